# caseapp: `make run` serves the app, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
INSTALLED := $(VENV)/.installed
VENDOR := caseapp/static/vendor/.installed
MO := caseapp/translations/zh/LC_MESSAGES/messages.mo
PO := $(wildcard caseapp/translations/zh_CN/src/*.po)

.PHONY: install run test bench system-deps db demo clean

install: $(INSTALLED) $(VENDOR) $(MO)

# Reinstall only when the dependencies change.
$(INSTALLED): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

# Bootstrap and htmx come from the npm registry and are served locally (never a CDN).
$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p caseapp/static/vendor/bootstrap caseapp/static/vendor/htmx
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js caseapp/static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js caseapp/static/vendor/htmx/
	touch $@

$(MO): $(PO) $(INSTALLED)
	$(PY) -m caseapp.core.i18n_build

db: install
	$(FLASK) db upgrade
	$(FLASK) caseapp calendar seed

demo: db
	$(FLASK) caseapp demo --if-empty

run: demo
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 --access-logfile - wsgi:app

# Debian packages the suite needs (fonts, poppler, Chromium); installs only what is missing.
system-deps:
	@bash .ci/system-deps

test: install system-deps
	$(PY) -m pytest

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules caseapp/static/vendor $(MO)
