# The two everyday commands: `make run` serves the demo site, `make test` runs every test.
PYTHON ?= python
VENV ?= .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

# The Nu HTML checker for the browser tests, kept out of git under .tools/.
VNU_VERSION ?= 26.9.27
vnu_jar := .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: install run test browser-tools

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

# Tests run in parallel, one worker per core; each test class (so its setUpTestData) and each
# module of plain test functions stays in one worker.
TEST_WORKERS ?= auto

test: install browser-tools
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

browser-tools: $(vnu_jar)

$(vnu_jar):
	npm install --prefix .tools/vnu --no-save --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION)
	test -f $@
