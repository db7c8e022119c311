# Everything a fresh machine needs, installed by the project's own files.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# chromium: the review app's browser tests (Playwright drives Debian's build; it never downloads one).
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie fonts-freefont-ttf fonts-dejavu-core libgl1 libglib2.0-0 chromium
DEMO_OUT ?= out/demo

.PHONY: setup system-deps python-deps models demo test lint schema samples

setup: system-deps python-deps models

system-deps:
	@missing="$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing Debian packages:" $$missing; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

python-deps: $(VENV)/.installed

models: python-deps
	$(BIN)/intake models install

demo: setup
	$(BIN)/intake process samples/batch --out $(DEMO_OUT)

test: setup
	$(BIN)/python -m pytest -q -ra

lint: python-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

schema: python-deps
	$(BIN)/intake schema export

samples: python-deps
	$(BIN)/python -m samples.generator --out samples/batch --truth samples/ground_truth --seed 7
