# egov — two commands for a fresh machine:
#   make run    set everything up and start the platform with the Hà Tĩnh demo data
#   make test   set everything up and run the whole suite (lint, SQLite, PostgreSQL, browser)
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
MANAGE := $(UV) run --locked python manage.py
PYTEST := $(UV) run --locked pytest
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup run test lint test-sqlite test-postgres test-browser bench messages clean-demo

help:
	@echo "make run     — cài đặt, nạp dữ liệu mẫu Hà Tĩnh và chạy nền tảng tại http://$(HOST):$(PORT)"
	@echo "make test    — cài đặt và chạy toàn bộ kiểm thử (lint, SQLite, PostgreSQL, trình duyệt)"
	@echo "make bench   — đo hiệu năng, in mỗi chỉ số một dòng"

$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv

setup: $(UV)
	$(UV) sync --locked --quiet
	scripts/system-packages.sh gettext
	$(MANAGE) compilemessages --ignore=.venv --ignore=.tools --ignore=var -v0

run: setup
	$(MANAGE) migrate --noinput -v0
	@echo "Nạp dữ liệu mẫu Hà Tĩnh (lần đầu mất vài phút; lần sau không tạo trùng)..."
	$(MANAGE) seed_demo -v1
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) serve --host $(HOST) --port $(PORT)

lint: setup
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v1

test: lint
	scripts/system-packages.sh chromium poppler softhsm
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	@echo "== Tests on SQLite =="
	$(PYTEST) -p no:cacheprovider

test-postgres:
	@echo "== Tests on PostgreSQL =="
	scripts/with-postgres.sh $(PYTEST) -p no:cacheprovider

test-browser: setup
	scripts/system-packages.sh chromium
	$(PYTEST) -m browser

bench: setup
	scripts/system-packages.sh wrk
	$(UV) run --locked python -m bench $(BENCH_ARGS)

messages:
	$(MANAGE) makemessages -l vi -l en --ignore=.venv --ignore=.tools --ignore=var --ignore=static --ignore=tests/vendor
