# coopstream: the same commands everywhere (README, CI, developers).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AUDIT_VENV := build/audit-venv
KAFKA_PORT ?= 9092
export KAFKA_PORT
LINT_PATHS := workers schemas tests bench tools security deploy/tools

.DEFAULT_GOAL := help

.PHONY: help setup test-tools demo test test-unit lint format bench broker-up broker-down schemas lock audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its dev tools

test-tools: $(STAMP) ## install what the tests check with: kcat, strace, openssl, Docker and mmdebstrap, validators
	@command -v kcat >/dev/null 2>&1 || { echo "installing kcat (Debian package)"; \
		(apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null); }
	@{ command -v strace && command -v openssl; } >/dev/null 2>&1 || { echo "installing strace and openssl (Debian packages)"; \
		(apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace openssl >/dev/null); }
	@{ command -v dockerd && command -v mmdebstrap; } >/dev/null 2>&1 || { echo "installing docker.io and mmdebstrap (Debian packages, for the container test)"; \
		(apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io mmdebstrap >/dev/null) \
		|| echo "docker.io or mmdebstrap could not be installed: the container test will say so and skip"; }
	@deploy/tools/install-checkers.sh

demo: $(STAMP) ## run the whole pipeline on an embedded Kafka broker with the bundled samples
	$(BIN)/coopstream demo

test: $(STAMP) test-tools ## run every test: unit, integration (a real Kafka broker), deployment checks
	$(BIN)/python -m pytest

test-unit: $(STAMP) ## run the unit tests only (no broker)
	$(BIN)/python -m pytest tests/unit

lint: $(STAMP) ## ruff check, ruff format --check, mypy (strict for the package)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: $(STAMP) ## ruff's safe fixes, then ruff format
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

bench: $(STAMP) ## benchmarks: offline throughput and memory, end to end through the broker
	$(BIN)/python bench/run.py

schemas: $(STAMP) ## regenerate the checked-in JSON Schemas from the models
	$(BIN)/coopstream schemas write

lock: $(STAMP) ## pin the installed runtime dependencies into requirements.lock
	$(BIN)/python security/lock.py

audit: $(STAMP) ## audit requirements.lock for known vulnerabilities (pip-audit; needs PyPI's vulnerability data)
	$(BIN)/python security/lock.py --check
	@test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
		$(AUDIT_VENV)/bin/pip install --quiet --upgrade pip && $(AUDIT_VENV)/bin/pip install --quiet 'pip-audit>=2.7,<3'; }
	$(AUDIT_VENV)/bin/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict \
		--progress-spinner off --desc on

broker-up: $(STAMP) ## start the development Apache Kafka on 127.0.0.1:$(KAFKA_PORT)
	$(BIN)/python -m coopstream.dev.broker up --port $(KAFKA_PORT)

broker-down: $(STAMP) ## stop the development Apache Kafka
	$(BIN)/python -m coopstream.dev.broker down --port $(KAFKA_PORT)

clean: ## remove the virtualenv and caches (keeps the fetched Kafka)
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
