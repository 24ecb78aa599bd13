# Newsroom: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate seed serve bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --noinput -v0

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: seed
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# As in production: DEBUG off, static files collected (served by whitenoise),
# gunicorn. Needs SECRET_KEY and ALLOWED_HOSTS; see README "Deployment".
serve: $(VENV)/.runtime
	DEBUG=0 $(PY) manage.py check --deploy
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	DEBUG=0 $(PY) manage.py migrate --noinput -v0
	DEBUG=0 HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config newsroom/gunicorn.conf.py

test: $(VENV)/.dev
	DJANGO_SETTINGS_MODULE=newsroom.test_settings $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=newsroom.test_settings $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Lighthouse (pinned in package.json) comes from npm when npm is available.
bench: $(VENV)/.dev
	test -x node_modules/.bin/lighthouse || ! command -v npm >/dev/null || npm ci --no-audit --no-fund
	$(PY) bench/run.py
	$(PY) bench/hostile_admin.py
