# The two everyday commands: `make run` serves the demo site, `make test` runs every test.
# `make serve` runs the site in production mode on this machine (README: "Running in production").
# `make lighthouse` measures the reader pages with Lighthouse (scripts/lighthouse.py).
PYTHON ?= python
VENV ?= .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

# The Nu HTML checker for the browser tests, kept out of git under .tools/.
VNU_VERSION ?= 26.9.27
vnu_jar := .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar

# Lighthouse for `make lighthouse`, kept out of git under .tools/ (12.x runs on Node 20).
LIGHTHOUSE_VERSION ?= 12.8.2
lighthouse_cli := .tools/lighthouse/node_modules/lighthouse/cli/index.js

.PHONY: install run serve worker test browser-tools lighthouse lighthouse-tools

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production mode, locally: a throwaway SECRET_KEY and source key unless set (never in production),
# plain HTTP (HTTPS=0: no redirect to HTTPS, no HSTS, cookies without Secure), tasks stored in
# the database for `manage.py db_worker` (run it beside), then migrate, collect the static
# files and start gunicorn.
serve: export DEBUG := 0
serve: export ALLOWED_HOSTS ?= localhost,127.0.0.1,[::1]
serve: export HTTPS ?= 0
serve: export TASKS_BACKEND ?= database
serve: install
	@if [ -z "$$SECRET_KEY" ]; then \
	    echo "make serve: SECRET_KEY is not set, using a throwaway key for this run only." >&2; \
	    SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	fi; \
	if [ -z "$$SOURCE_ENCRYPTION_KEYS" ]; then \
	    echo "make serve: SOURCE_ENCRYPTION_KEYS is not set, using a throwaway key for this run only." >&2; \
	    SOURCE_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'); \
	fi; \
	export SECRET_KEY SOURCE_ENCRYPTION_KEYS; set -e; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput; \
	exec $(BIN)/gunicorn --config gunicorn.conf.py newsroom.wsgi

# The task worker beside `make serve`, in another terminal: first the tasks a killed worker
# left running, then every task as it comes, until stopped (Ctrl+C lets the current one finish).
worker: export TASKS_BACKEND ?= database
worker: install
	$(BIN)/python manage.py requeue_interrupted_tasks
	exec $(BIN)/python manage.py db_worker --no-reload

# Tests run in parallel, one worker per core; each test class (so its setUpTestData) and each
# module of plain test functions stays in one worker.
TEST_WORKERS ?= auto

test: install browser-tools
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

browser-tools: $(vnu_jar)

$(vnu_jar):
	npm install --prefix .tools/vnu --no-save --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION)
	test -f $@

# A throwaway production-mode demo site, measured with the mobile and desktop presets; fails
# below 100 in any category (LIGHTHOUSE_ARGS="--min 90", "--page /corrections/", ...).
lighthouse: install lighthouse-tools
	$(BIN)/python scripts/lighthouse.py $(LIGHTHOUSE_ARGS)

lighthouse-tools: $(lighthouse_cli)

$(lighthouse_cli):
	npm install --prefix .tools/lighthouse --no-save --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)
	test -f $@
