# Mandi: `make run` serves the API, `make test` runs the checks. Both set themselves up.
# The first Python 3.11 or 3.12 that runs (oso 0.27 has no wheel for 3.13).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
  $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null \
  && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export DATABASE_URL ?= sqlite://var/mandi.sqlite3
# The graphql-http conformance audit (tests/api/test_graphql_http_audit.py) runs on Node; its npm
# package is installed on demand into var/node (ignored by git).
NODE_DEPS := var/node
GRAPHQL_HTTP := $(NODE_DEPS)/node_modules/graphql-http/package.json

.PHONY: run test lint schema migrations clean bench

run: $(VENV)/.installed
	$(BIN)/mandi migrate
	$(BIN)/mandi seed-demo --if-empty
	$(BIN)/mandi serve

test: $(VENV)/.installed-dev $(GRAPHQL_HTTP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m tests.run_backends

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmark (bench/README.md): PostgreSQL on 127.0.0.1:5432; BENCH_ARGS="--volume small" for a
# quick run. Installs wrk when missing; writes bench/RESULTS.md.
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The permission notes first (asked of the policy: about a minute), then the SDL that carries them.
schema: $(VENV)/.installed
	$(BIN)/python -m api.permission_notes
	$(BIN)/python -c "from api.schema import schema, SDL_PATH; SDL_PATH.write_text(schema.as_str() + '\n')"

migrations: $(VENV)/.installed
	$(BIN)/mandi makemigrations

$(GRAPHQL_HTTP):
	@command -v npm >/dev/null || { echo "the graphql-http audit needs Node.js 18+ and npm" >&2; exit 1; }
	mkdir -p $(NODE_DEPS)
	npm install --prefix $(NODE_DEPS) --no-audit --no-fund --loglevel=error graphql-http@1.23.1 graphql@16.9.0

$(VENV)/.venv-created:
	@test -n "$(PYTHON)" || { echo "Mandi needs Python 3.11 or 3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.venv-created
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.venv-created
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
