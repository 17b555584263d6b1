# Two commands do everything on a fresh machine (Python, pip, gcc and apt only):
#   make demo   - install custodiet in .venv and audit the bundled sample network (examples/)
#   make test   - install the dev tools and the Debian packages the tests need, run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
OUT    ?= out

.PHONY: demo test lint bench bench-pcap fuzz install dev system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

system-deps:
	./scripts/install-system-deps

# The demo keeps its own inventory under $(OUT)/: it never mixes sample devices into yours.
demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	$(BIN)/custodiet audit examples/ --db $(OUT)/demo.sqlite --html $(OUT)/report.html --json $(OUT)/report.json --csv $(OUT)/report.csv
	@echo "Reports: $(OUT)/report.html $(OUT)/report.json $(OUT)/report.csv (inventory: $(OUT)/demo.sqlite)"

test: $(VENV)/.dev-installed system-deps
	$(BIN)/custodiet content verify
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n auto -q

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/identify_throughput.py
	$(BIN)/python bench/audit_scale.py
	$(BIN)/python bench/logs_throughput.py --repeat 3
	$(BIN)/python bench/hostile_scale.py
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/accuracy.py --hosts
	$(BIN)/python bench/history_size.py --hosts 20000 --runs 10
	$(BIN)/python bench/dashboard_scale.py --hosts 100000

# Writes a capture of over 1 GB to a temporary folder and runs tshark on it too: minutes.
bench-pcap: $(VENV)/.dev-installed system-deps
	$(BIN)/python bench/pcap_vs_tshark.py

# The fuzz targets of every reader and parser (tests/fuzz, tests/sources/pcap/test_fuzz.py) with a
# long budget: FUZZ_EXAMPLES examples per target (`make test` runs them with 60). Minutes.
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.dev-installed
	CUSTODIET_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -n 2 tests/fuzz tests/sources/pcap/test_fuzz.py

clean:
	rm -rf $(OUT) build dist src/*.egg-info .pytest_cache .ruff_cache
