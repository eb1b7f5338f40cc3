# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: run test lint venv bench-sweep messages clean

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

## Migrate, load the demo organisation and users, start web + Celery worker + beat.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	bash bin/run

## Run the whole test suite (PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL are set),
## in TEST_WORKERS processes (pytest-xdist; each has its own test database and Celery queues).
TEST_WORKERS ?= 2
test: venv
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Ruff, then mypy (django-stubs, djangorestframework-stubs; configured in pyproject.toml).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## Re-extract and compile translations (needs GNU gettext). The project catalog (locale/) covers
## config, sla, billing, dashboards and templates/; core, org, accounts, responses and faults keep their own <app>/locale.
APP_CATALOGS := core org accounts responses faults
messages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=bench \
		$(foreach app,$(APP_CATALOGS),--ignore=$(app))
	for app in $(APP_CATALOGS); do mkdir -p $$app/locale && \
		(cd $$app && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete) || exit 1; done
	$(PY) manage.py compilemessages --ignore=.venv

bench-sweep: venv
	$(PY) bench/sweep.py

clean:
	rm -rf var db.sqlite3 staticfiles .pytest_cache
