# The two commands a newcomer needs: `make demo` and `make test`.
SYSTEM_PACKAGES_RUN  := python3-venv python3-dev gcc libpcsclite-dev pcscd
SYSTEM_PACKAGES_TEST := $(SYSTEM_PACKAGES_RUN) vsmartcard-vpcd opensc opensc-pkcs11 softhsm2 postgresql poppler-utils
VENV := .venv/bin
DATA ?=
# Python may cache compiled modules and pytest its rewritten test modules (__pycache__,
# ignored by git): without them every test worker and every kiosk subprocess a test starts
# compiles the same sources again (about a tenth of the suite's time on two cores).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test lint typecheck collect unit bench setup setup-test clean

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

# One run of the whole suite on four workers: the tests marked pcsc (set in
# tests/support/pcsc_marker.py) share the machine's one pcscd and its two vpcd readers, so
# they form one xdist group that one worker runs in order, mostly waiting on the daemon,
# while the other three run everything else (they share nothing). Four on two cores because
# the tests wait on subprocesses (the central, kiosk commands) and on servers: three workers
# left the cores idle part of the run (suite 272-279 s; four: 261 s).
# Then the tests that take the test clock (marker clock, set in tests/support/clock_marker.py)
# run again with the clock moved more than a year ahead: nothing may pass only on the day it
# was written (snapshot tests pin their own instant).
CLOCK_AHEAD_DAYS := 400

# Lint, the type check and a first collection run side by side (mypy alone keeps one core
# busy); the collection leaves the compiled sources and pytest's rewritten test modules in
# __pycache__, so the workers load them instead of compiling them again each.
test:
	$(MAKE) --no-print-directory -j 3 lint typecheck collect
	$(VENV)/pytest tests -n 4 --dist loadgroup
	$(VENV)/pytest tests/unit -q -n 2 -m clock --clock-offset-days=$(CLOCK_AHEAD_DAYS)

collect: setup-test
	$(VENV)/python -m compileall -q -j 0 clock kiosk screens devices store central protocol bench tools
	@log=$$(mktemp) && status=0 && $(VENV)/pytest --collect-only -q tests > $$log 2>&1 || status=$$?; \
	tail -n 1 $$log; [ $$status -eq 0 ] || cat $$log; rm -f $$log; exit $$status

bench: setup-test
	$(VENV)/python -m bench all

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache
