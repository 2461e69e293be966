# Yakuba — two commands: `make run` (demo server + worker) and `make test` (full suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_DIR ?= ../shared/bench/curtois-qu
PYTEST_WORKERS ?= 2

.PHONY: run test test-db lint format messages bench-planner bench-rosters bench-reports bench-meetings bench-netcheck bench-faults bench-accounts bench-security bench-evaluation bench-knowledge bench-reviews install clean-db

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# Development/demo server: DEBUG on, SQLite unless DATABASE_URL is set.
# The demo city is loaded only when the database is empty; each loader skips what is
# already there (--if-empty). Dates are relative to today: run on a later month, the
# roster demo adds that month's rosters. The sign-in table is printed last.
# The demo's chat webhooks go to the local receiver (`manage.py chat_receiver`, plain http
# on 127.0.0.1:8065): allowed here explicitly, as an administrator would allow an on-premise
# chat server; the application's defaults refuse both http and loopback addresses.
run: export OUTBOUND_WEBHOOK_HOSTS ?= 127.0.0.1:8065
run: export OUTBOUND_WEBHOOK_ALLOW_HTTP ?= 1
run: export OUTBOUND_WEBHOOK_PRIVATE_NETWORKS ?= 127.0.0.1/32
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --if-empty --no-sign-ins
	DEBUG=1 $(PY) manage.py seed_reports_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_rosters_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_remoteseats_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_meetings_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_licences_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_drills_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_awareness_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_campaigns_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_readiness_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_incidents_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_inspections_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_surveys_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_problems_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_evaluation_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_policies_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_training_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_knowledge_demo --if-empty
	DEBUG=1 $(PY) manage.py seed_reviews_demo --if-empty
	@DEBUG=1 $(PY) manage.py demo_sign_ins
	@echo "Starting the task worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@DEBUG=1 $(PY) manage.py db_worker & WORKER=$$!; \
	  DEBUG=1 $(PY) manage.py run_scheduler & SCHEDULER=$$!; \
	  trap 'kill $$WORKER $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

# The database tests again (everything but the browser and pure-optimizer tests);
# .ci/run calls this with DATABASE_URL pointing at PostgreSQL.
test-db: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q -m "not browser" --ignore=yakuba/planner

# Ruff, then mypy with the Django plugin (settings in pyproject.toml: strict for
# yakuba/planner and yakuba/core). Its cache is .mypy_cache/.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy yakuba

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the English catalogue after changing user-facing strings (needs gettext).
messages: install
	cd yakuba && DEBUG=1 ../$(PY) ../manage.py makemessages -l en --no-location --no-obsolete -i "planner/*"
	cd yakuba && DEBUG=1 ../$(PY) ../manage.py compilemessages -l en

bench-planner: install
	$(PY) -m yakuba.planner.bench $(BENCH_DIR) --time-limit 60 --workers 2 --csv bench-results/planner.csv --solutions bench-results/planner-solutions

# Roster optimizer on the demo city (600 staff) and a scaled city (2,000 staff): first
# feasible, gap after 60 s, repair changes, grid render time and query count.
bench-rosters: install
	$(PY) -m yakuba.rosters.bench

# Morning-report rush: 1,000 staff arriving over 2 minutes, at most 50 in flight, against
# gunicorn on 127.0.0.1, SQLite then PostgreSQL (a bench database is created and dropped).
# Last line: JSON summary. `--rush-seconds 0` measures saturation instead.
bench-reports: install
	$(PY) -m yakuba.dailyreports.bench --staff 1000 --concurrency 50 --rush-seconds 120

# Meetings: 100,000 signed Zoom events (~9 % redeliveries, shuffled) through the real
# endpoint of gunicorn on 127.0.0.1 (2 workers x 4 threads, 8 keep-alive connections),
# verified from the database afterwards, and catch-ups for a 300-person, 3-hour meeting
# with 2,000 drops. Then netcheck download/upload throughput on loopback
# (yakuba/netcheck/bench.py). Last line: one JSON summary merging both. A few minutes;
# `make bench-meetings BENCH_MEETINGS_ARGS="--events 5000"` for a quick run.
BENCH_MEETINGS_ARGS ?= --events 100000
bench-meetings: install
	$(PY) -m yakuba.netcheck.bench_all $(BENCH_MEETINGS_ARGS)

# Connection check alone: gunicorn on 127.0.0.1, parallel download streams ~10 s, upload ~5 s.
bench-netcheck: install
	$(PY) -m yakuba.netcheck.bench

# Faults: on SQLite then PostgreSQL (the demo city in a bench site of its own), real task
# workers are SIGKILLed mid digest delivery, catch-up send, staff import and roster solve
# (>= 20 kills) and restarted; then counts what was lost, sent twice or half-written; a
# backup -> wipe -> restore round trip of the demo city on each database; and a crawl of
# the demo city with hostile query parameters (no 500). A table, then one JSON line.
BENCH_FAULTS_ARGS ?=
bench-faults: install
	$(PY) -m yakuba.demo.faultbench $(BENCH_FAULTS_ARGS)

# Accounts (issue 13): local accounts + activation sheets for 5,000 staff, the April 1st
# import (5,000 staff, 800 moves, 150 joiners, 120 leavers) on SQLite and PostgreSQL, and
# 200 directory sign-ins against a local OpenLDAP server. A table, then one JSON line.
BENCH_ACCOUNTS_ARGS ?=
bench-accounts: install
	$(PY) -m yakuba.accounts.bench $(BENCH_ACCOUNTS_ARGS)

# Security awareness (issue 14): due questions for 2,000 staff × 300 questions with a year of
# answers, a drill mail to 2,000 through an SMTP server refusing 5 %, infosec's heat map.
bench-security: install
	$(PY) -m yakuba.security.bench

# Evaluating telework (issue 15): the evidence report for 2,000 staff × 12 months (HTML +
# .docx + .xlsx, constant queries), 2,000 survey submissions against gunicorn, grouping
# 5,000 free-text answers; SQLite and PostgreSQL. Last line: one JSON object.
bench-evaluation: install
	$(PY) -m yakuba.evaluation.bench

# Knowledge search (issue 16 item 4): 50,000 generated Japanese posts indexed (bigram
# index kept by the application), 200 queries (1–4-character Japanese words, width/kana
# variants, Latin terms) timed, recall of a fixed query set — SQLite, then PostgreSQL in a
# bench database created and dropped on BENCH_PG_URL's server. A table, then one JSON line.
BENCH_PG_URL ?= postgres://root@127.0.0.1:5432/postgres
BENCH_KNOWLEDGE_ARGS ?= --posts 50000 --queries 200
bench-knowledge: install
	$(PY) -m yakuba.search.bench --database-url $(BENCH_PG_URL) $(BENCH_KNOWLEDGE_ARGS)

# Reviews (issue 17): importing 20,000 procedures (an .xlsx with a sheet per department,
# 45 units) through the check and apply tasks — preview and write timed apart — then the
# same file again with 5 % changed; and the office dashboard with 20,000 items and 45 units
# (yakuba/reviews/bench_dashboard.py: p95 and queries at 2,000 and 20,000 items). SQLite,
# then PostgreSQL in bench databases created and dropped on BENCH_PG_URL's server. Tables,
# then one JSON line with every figure.
BENCH_REVIEWS_ARGS ?= --rows 20000
bench-reviews: install
	$(PY) -m yakuba.reviews.bench --database-url $(BENCH_PG_URL) $(BENCH_REVIEWS_ARGS)

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
