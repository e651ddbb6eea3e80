# MLTop: `make run` to start it, `make test` to test it. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate seed clean messages bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

# Settings for whatever runs in this checkout (manage.py, celery, honcho): debug on and a secret
# key of its own, so commands need nothing typed in front. Written once, never overwritten
# (open(..., "x")); git and the Docker image leave it out, and the test suite ignores it.
.env:
	$(PYTHON) -c "import secrets; open('.env', 'x').write( \
		'# Local development only, written by make (docs/configuration.md). For docker compose,\n' \
		'# replace this file with a copy of .env.example.\n' \
		'DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=' + secrets.token_urlsafe(50) + '\n')"

migrate: $(RUN_STAMP) .env
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed

run: seed messages
	@echo ""
	@echo "MLTop is starting on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Create an editor account with:  $(PY) manage.py createsuperuser"
	@echo "Web, Celery worker and beat start together (Procfile); Ctrl-C stops all three."
	@echo ""
	PATH="$(abspath $(VENV))/bin:$$PATH" MLTOP_HOST=$(HOST) MLTOP_PORT=$(PORT) \
		$(VENV)/bin/honcho -f Procfile start

test: $(DEV_STAMP) messages .env
	$(PY) -m pytest

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Translations: the committed .po files compiled with Babel (a pip dependency), because GNU
# gettext's msgfmt is not on a fresh machine. Recompiled only when a .po changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

messages: $(MO_FILES)

locale/%.mo: locale/%.po | $(RUN_STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Every benchmark in bench/ (bench/run_all.py); figures go to BENCHMARKS.md. The database
# follows DATABASE_URL / REDIS_URL like the tests. One script: make bench BENCH="web -- --projects 1000".
bench: $(DEV_STAMP)
	BENCH_COMMAND="make bench$(if $(BENCH), BENCH=\"$(BENCH)\")" $(PY) bench/run_all.py $(BENCH)
