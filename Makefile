# Two commands: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: run test lint bench bundle bundle-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

# The main job: import the bundled sample into a project, describe it, train
# and save its model, write a push plan; then open the app on it, or, with no
# display, write the demo report (import, train, backtest, plan, forecast).
run: $(STAMP)
	rm -f $(OUT)/sample.pushwise
	mkdir -p $(OUT)
	$(BIN)/pushwise import resources/sample/online_retail_sample.csv.gz --project $(OUT)/sample.pushwise
	$(BIN)/pushwise info --project $(OUT)/sample.pushwise
	$(BIN)/pushwise train --project $(OUT)/sample.pushwise
	$(BIN)/pushwise recommend --project $(OUT)/sample.pushwise --out $(OUT)/plan.csv
	@echo "Project written to $(OUT)/sample.pushwise, push plan to $(OUT)/plan.csv"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(BIN)/pushwise-gui $(OUT)/sample.pushwise; \
	else \
		echo "No display: writing the demo report instead of opening the app"; \
		$(BIN)/pushwise demo --out $(OUT)/demo; \
	fi

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Benchmarks on the full datasets in ../shared/data (about two hours in all, the
# grocery-shaped histories of bench_scale.py and bench_cluster.py included; not
# run by CI).
# The outside peers live in their own environment: statsforecast needs
# pandas < 3, which the app itself does not use.
BENCH := .venv-bench
bench:
	test -d $(BENCH) || $(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet -e '.[dev,bench,cluster]'
	$(BENCH)/bin/python tests/benchmarks/bench_import.py
	$(BENCH)/bin/python tests/benchmarks/bench_quality.py
	$(BENCH)/bin/python tests/benchmarks/bench_demand.py
	$(BENCH)/bin/python tests/benchmarks/bench_demand_levels.py
	$(BENCH)/bin/python tests/benchmarks/bench_backtest.py
	$(BENCH)/bin/python tests/benchmarks/bench_holdback.py
	$(BENCH)/bin/python tests/benchmarks/bench_scale.py --threads 2
	$(BENCH)/bin/python tests/benchmarks/bench_grocery.py
	$(BENCH)/bin/python tests/benchmarks/bench_cluster.py --scales 1 3 10
	$(BENCH)/bin/python tests/benchmarks/bench_uplift.py
	QT_QPA_PLATFORM=offscreen $(BENCH)/bin/python tests/benchmarks/bench_gui_scale.py
	QT_QPA_PLATFORM=offscreen $(BENCH)/bin/python tests/benchmarks/bench_startup.py

# The desktop app: dist/Pushwise/ (pushwise-gui and pushwise over one set of
# libraries) and, on Linux, dist/pushwise-VERSION-linux-ARCH.tar.gz (minutes).
PACKAGING_STAMP := $(VENV)/.packaging
$(PACKAGING_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,packaging]'
	touch $(PACKAGING_STAMP)

bundle: $(PACKAGING_STAMP)
	$(BIN)/python packaging/build.py

# Builds the bundle in a temporary folder and runs both executables from
# outside the repository in a clean environment (the GUI self-test included).
bundle-check: $(PACKAGING_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m bundle tests/packaging -v -s

clean:
	rm -rf $(VENV) $(BENCH) $(OUT) build dist .pytest_cache .mypy_cache .ruff_cache
