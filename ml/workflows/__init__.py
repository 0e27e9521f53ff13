"""The use cases, written once: what the CLI, the demo and the GUI ask of the
engine. Each module is a few functions over a project:

- ``imports``: import a file and read back its rejected rows;
- ``train``: train a model (or reuse the saved one), save it, check it;
- ``plan``: score every customer's candidates once, apply the push rules;
- ``forecast``: how many customers take up each offering;
- ``backtest``: predicted against actual at earlier dates;
- ``demo``: all of it on the bundled sample, with an HTML report.

The front ends only translate: arguments or widgets in, these results out.
"""
