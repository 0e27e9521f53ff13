"""Backtests: predicted versus actual at earlier as-of dates, for Pushwise and
the baseline ladder, as tidy tables (report.BacktestReport, made by
run.run_backtest). Kept empty: the window unpickles a BacktestReport and draws
its charts without loading the models that made it."""
