# One entry point for people and CI: .ci/run calls `make test`, the README's test command.
# `make test` sets up on a fresh machine everything the suite needs: the virtual
# environment, and (scripts/system-setup) the unixODBC drivers and a running PostgreSQL.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SCALE  ?= medium

export PREFECT_HOME ?= $(CURDIR)/.erpsync/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install demo test system lint typecheck check bench soak lock wheel clean

install: $(STAMP)

# The product (erpsync) and the development kit (dev/: sandboxes, benchmark, test tools),
# both editable, at the versions pinned in constraints.txt.
$(STAMP): pyproject.toml dev/pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e . -e ./dev
	touch $(STAMP)

demo: $(STAMP)  ## create the small sandbox, seed it, run one incremental sync
	$(BIN)/erpsync demo

# ERPSYNC_REQUIRE_EXTERNAL=1 when system-setup could provide every part: a test that
# would skip for a missing ODBC driver or PostgreSQL then fails instead.
test: check  ## lint and types, then the whole suite: unit, connectors, flows
	@mkdir -p $(PREFECT_HOME)  # Prefect warns at import when its home cannot be created
	@ready=$$(scripts/system-setup); \
	  export ERPSYNC_REQUIRE_EXTERNAL=$${ERPSYNC_REQUIRE_EXTERNAL:-$$ready}; \
	  echo "pytest (ERPSYNC_REQUIRE_EXTERNAL=$$ERPSYNC_REQUIRE_EXTERNAL)"; \
	  $(BIN)/pytest

system:  ## install/start what the tests need outside Python (root on Debian)
	@scripts/system-setup >/dev/null

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy erpsync connectors tasks flows expectations deployments dev/sandbox dev/bench

check: lint typecheck

bench: $(STAMP)  ## make bench SCALE=large; figures go to dev/bench/results/
	$(BIN)/python -m bench --scale $(SCALE)

soak: $(STAMP)  ## serve for 30 min on a 1-min schedule: runs due vs. completed, RSS, fds
	$(BIN)/python -m bench.soak --minutes $(or $(MINUTES),30)

wheel: $(STAMP)  ## build the product wheel into dist/ (the development kit is not in it)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

lock:  ## re-resolve the pinned set in a scratch venv
	rm -rf /tmp/erpsync-lock && $(PYTHON) -m venv /tmp/erpsync-lock
	/tmp/erpsync-lock/bin/pip install --quiet . ./dev
	{ echo "# Exact versions that install and import together on these machines (Python 3.11)."; \
	  echo "# Regenerate with: make lock"; \
	  /tmp/erpsync-lock/bin/pip freeze | grep -v -i '^erpsync' | sort -f; } > constraints.txt

clean:
	rm -rf $(VENV) .erpsync build dist *.egg-info dev/*.egg-info
