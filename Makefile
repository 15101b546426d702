# The two commands a newcomer needs: `make demo` and `make test`.
SYSTEM_PACKAGES_RUN  := python3-venv python3-dev gcc libpcsclite-dev pcscd
SYSTEM_PACKAGES_TEST := $(SYSTEM_PACKAGES_RUN) vsmartcard-vpcd opensc opensc-pkcs11 softhsm2 postgresql poppler-utils
VENV := .venv/bin
DATA ?=

.PHONY: demo test lint typecheck unit bench setup setup-test clean

setup:
	@scripts/setup.sh $(SYSTEM_PACKAGES_RUN)

setup-test:
	@scripts/setup.sh $(SYSTEM_PACKAGES_TEST)

demo: setup
	$(VENV)/kiosk demo $(if $(DATA),--data $(DATA))

lint: setup-test
	$(VENV)/ruff check clock kiosk screens devices store central protocol tests bench tools
	$(VENV)/ruff format --check clock kiosk screens devices store central protocol tests bench tools
	$(VENV)/lint-imports  # the import contracts in pyproject.toml

typecheck: setup-test
	$(VENV)/mypy clock kiosk devices store central protocol screens

# The unit suite runs a second time with the test clock moved more than a year ahead:
# nothing may pass only on the day it was written (snapshot tests pin their own instant).
CLOCK_AHEAD_DAYS := 400

# The unit tests share nothing and run on every core (pytest-xdist). Of the UI and integration
# tests, those marked pcsc (set in tests/support/pcsc_marker.py) share the machine's one pcscd
# and its two vpcd readers and run one after another; the rest run on two workers.
test: lint typecheck
	$(VENV)/pytest tests/unit -n auto
	$(VENV)/pytest tests/ui tests/integration -m "not pcsc" -n 2
	$(VENV)/pytest tests/ui tests/integration -m pcsc
	$(VENV)/pytest tests/unit -q -n auto --clock-offset-days=$(CLOCK_AHEAD_DAYS)

bench: setup-test
	$(VENV)/python -m bench all

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache
