# One entry point for people and CI: .ci/run calls `make test`, the README's test command.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SCALE  ?= medium

export PREFECT_HOME ?= $(CURDIR)/.erpsync/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install demo test lint typecheck check bench lock clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## create the small sandbox, seed it, run one incremental sync
	$(BIN)/erpsync demo

test: check  ## lint and types, then the whole suite: unit, connectors, flows
	@mkdir -p $(PREFECT_HOME)  # Prefect warns at import when its home cannot be created
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy erpsync connectors sandbox tasks flows expectations deployments bench

check: lint typecheck

bench: $(STAMP)  ## make bench SCALE=large; figures go to bench/results/
	$(BIN)/python -m bench --scale $(SCALE)

lock:  ## re-resolve the pinned set in a scratch venv
	rm -rf /tmp/erpsync-lock && $(PYTHON) -m venv /tmp/erpsync-lock
	/tmp/erpsync-lock/bin/pip install --quiet '.[dev]'
	{ echo "# Exact versions that install and import together on these machines (Python 3.11)."; \
	  echo "# Regenerate with: make lock"; \
	  /tmp/erpsync-lock/bin/pip freeze | grep -v -i '^erpsync' | sort -f; } > constraints.txt

clean:
	rm -rf $(VENV) .erpsync build *.egg-info
