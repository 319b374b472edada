# govscan: `make demo` and `make test` work on a fresh Debian machine; they install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SITE   ?= jinping

.PHONY: setup demo assess nightly test bench bench-night clean

setup: $(STAMP)

# Reinstalled only when pyproject.toml changes; a second `make demo` reuses the venv.
$(STAMP): pyproject.toml scripts/install-system.sh
	./scripts/install-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: setup
	$(BIN)/python -m demo run
	@echo "评估工作台（本次演示的评估历史）：先建账号 $(BIN)/govscan users add 用户名，再运行"
	@echo "  $(BIN)/govscan serve --var var    然后在浏览器打开 http://127.0.0.1:8080/"

assess: setup
	$(BIN)/govscan assess $(SITE)

nightly: setup
	$(BIN)/govscan nightly

test: setup
	$(BIN)/python -m pytest -q

# Speed and memory figures (ratios within one run); never part of `make test`.
# BENCH_PAGES sizes the generated portal of bench/crawl_peers.py (e.g. make bench BENCH_PAGES=20000).
BENCH_PAGES ?= 2000
bench: setup
	@for script in bench/*.py; do echo "== $$script"; BENCH_PAGES=$(BENCH_PAGES) $(BIN)/python $$script || exit 1; done

# The simulated province night alone (bench/distributed_night.py, part of `make bench` too): 60 portals
# on loopback assessed by the embedded nightly and by 1, 2 and 4 Celery workers, one table (~16 min).
bench-night: setup
	$(BIN)/python bench/distributed_night.py

clean:
	rm -rf var/runs var/demo
