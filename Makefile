# The two commands: `make demo` and `make test`. Both set themselves up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
QUARTER ?= 2026Q3
# Test files run on this many pytest workers (pytest-xdist): two per core, so the live scheduler tests, which mostly
# wait on Airflow's loops, overlap with the CPU-bound rest.
TEST_WORKERS ?= 4
STAMP := $(VENV)/.installed
# Airflow's standalone mode starts `airflow` subprocesses by name: the venv goes first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

# Embedded default: Airflow on SQLite inside the repo, data under ./data.
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__PARALLELISM := 4
export AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG := 2
export AIRFLOW__CORE__EXECUTOR := LocalExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(CURDIR)/.airflow/airflow.db
export AIRFLOW__API__PORT := 8080
export MONEV_DATA_ROOT ?= $(CURDIR)/data
export GX_ANALYTICS_ENABLED := False

.PHONY: help setup demo test test-fast lint airflow portal clean data-dictionary

help:
	@echo "make demo     sample exports -> the real DAGs (airflow dags test) for $(QUARTER) -> summary and release path"
	@echo "make test     lint and the test suite (unit, DAG integrity, end-to-end through airflow dags test, live scheduler)"
	@echo "make test-fast  the unit layer only (tests/unit: no servers, no Airflow), in well under a minute"
	@echo "make airflow  the Airflow UI on the same home (http://localhost:8080)"
	@echo "make portal   the unit portal on the same data root (http://127.0.0.1:8090), beside make airflow"
	@echo "make data-dictionary  regenerate docs/data_dictionary.md from the schemas and the indicator catalogue"

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

$(AIRFLOW_HOME)/airflow.db: $(STAMP)
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -20 $(AIRFLOW_HOME)/db-migrate.log; exit 1)

demo: $(AIRFLOW_HOME)/airflow.db
	scripts/ensure-debian-packages.sh
	scripts/demo.sh $(QUARTER)

test: $(STAMP)
	scripts/ensure-debian-packages.sh test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -q tests/unit

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The portal's service account beside the admin: `airflow standalone` writes both passwords to
# $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated, where `make portal` reads the portal's.
airflow portal: export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS := admin:admin,portal:user
PASSWORDS_FILE := $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated

airflow: $(AIRFLOW_HOME)/airflow.db
	$(BIN)/airflow standalone

portal: $(STAMP)
	@test -f $(PASSWORDS_FILE) || echo "no $(PASSWORDS_FILE) yet: uploads wait for the scheduled ingest until 'make airflow' runs"
	MONEV_PORTAL_AIRFLOW_PASSWORD="$$(test -f $(PASSWORDS_FILE) && $(BIN)/python -c 'import json, sys; print(json.load(open(sys.argv[1])).get("portal", ""))' $(PASSWORDS_FILE))" \
	  $(BIN)/python -m pipelines portal serve --port 8090

data-dictionary: $(STAMP)
	$(BIN)/python scripts/data_dictionary.py

clean:
	rm -rf $(AIRFLOW_HOME) data
