# caseapp: `make run` serves the app, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
# Every absolute link (e-mails, receipts' QR codes, the feed) is built from CASEAPP_PUBLIC_URL and the
# app refuses to start without it outside debug and tests: `make run` and the benchmarks serve here.
export CASEAPP_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
INSTALLED := $(VENV)/.installed
VENDOR := caseapp/static/vendor/.installed
MO := caseapp/translations/zh/LC_MESSAGES/messages.mo
PO := $(wildcard caseapp/translations/zh_CN/src/*.po)

.PHONY: install run test test-at bench bench-pg bench-deps system-fonts system-deps db demo clean

FONTS := caseapp/static/fonts/caseapp-serif-sc-regular.otf

install: system-fonts $(INSTALLED) $(VENDOR) $(MO) $(FONTS)

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
	mkdir -p caseapp/static/vendor/echarts && cp node_modules/echarts/dist/echarts.min.js caseapp/static/vendor/echarts/
	touch $@

# The letters' serif CJK font: the Simplified Chinese faces taken once out of Debian's Noto CJK
# collection, so that each PDF embeds a small subset quickly (generated, never committed).
$(FONTS): caseapp/letters/fonts.py | $(INSTALLED)
	$(PY) -m caseapp.letters.fonts

$(MO): $(PO) $(INSTALLED)
	$(PY) -m caseapp.core.i18n_build

db: install
	$(FLASK) db upgrade
	$(FLASK) caseapp calendar seed

demo: db
	$(FLASK) caseapp demo --if-empty
	$(FLASK) caseapp similarity-reindex --missing

run: demo
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 --access-logfile - wsgi:app

# Debian packages: CJK fonts for everyone, Chromium and poppler for the suite; only what is missing.
system-fonts:
	@bash .ci/system-deps run

system-deps:
	@bash .ci/system-deps test

test: system-deps install
	$(PY) -m pytest

# The suite with the whole process tree started at another date by Debian's faketime, e.g.
# `make test-at DATE=2027-01-04` (TIME=09:00:00 in the machine's zone by default; TESTS=tests/clock
# for a part).
# The tests still freeze their own clock (tests/conftest.py); this run finds whatever escapes it.
# The monotonic clock is left real (faked, Python's timed waits never end); tests/faketime/ then
# mends time.sleep for every Python process of the run (see its sitecustomize.py).
TIME ?= 09:00:00
test-at: system-deps install
	@test -n "$(DATE)" || { echo "usage: make test-at DATE=YYYY-MM-DD [TIME=HH:MM:SS] [TESTS=...]" >&2; exit 2; }
	FAKETIME_DONT_FAKE_MONOTONIC=1 PYTHONPATH=$(CURDIR)/tests/faketime faketime '$(DATE) $(TIME)' $(PY) -m pytest $(TESTS)

bench: install bench-deps
	$(PY) -m bench.bench_http
	$(PY) -m bench
	$(PY) -m bench.bench_letters
	$(PY) -m bench.bench_stats
	$(PY) -m bench.bench_similarity
	$(PY) -m bench.bench_records
	$(PY) -m bench.bench_dossier
	$(PY) -m bench.bench_import
	$(PY) -m bench.bench_public_stats

# The office at a million cases on a throwaway PostgreSQL server (as root: initdb/pg_ctl run through
# runuser -u postgres); 10 to 20 minutes on 2 cores, then the similar-request lookup at a million
# (about 20 minutes more: loading a million signatures). BENCH_PG_ARGS="--cases 200000" for a shorter run.
bench-pg: install bench-deps
	$(PY) -m bench.bench_pg $(BENCH_PG_ARGS)
	$(PY) -m bench.bench_similarity --postgres --skip-labelled --cases 1000000 --runs 200

# ApacheBench (apache2-utils) and PostgreSQL for the benchmarks; only what is missing.
bench-deps:
	@bash .ci/system-deps bench

clean:
	rm -rf $(VENV) node_modules caseapp/static/vendor $(MO)
