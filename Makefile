# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test processes: the suite waits on I/O far more than it computes (two cores are
# enough for three); each file stays in one process with its module's fixtures.
TEST_PROCESSES ?= 3

.PHONY: run test lint format bench corpus schemas docs screenshots browser ocr clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) browser ocr
	$(BIN)/billhound run

# Debian's tesseract-ocr and its language packs: scans are read offline, by models
# that come with the packages, never downloaded at run time.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra \
	tesseract-ocr-nld tesseract-ocr-spa tesseract-ocr-ita
ocr:
	@for lang in deu fra nld spa ita; do \
	  tesseract --list-langs 2>/dev/null | grep -qx $$lang || missing=1; done; \
	[ -z "$$missing" ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(OCR_PACKAGES); }

# Debian's Chromium for the browser engine and the browser test (Playwright drives
# it; no browser download).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

test: $(STAMP) browser ocr
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -ra -n $(TEST_PROCESSES) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schemas: $(STAMP)
	$(BIN)/python -m schemas.export

docs: $(STAMP)
	$(BIN)/python -m infra.demo_portal.describe
	$(BIN)/python -m adapters.web.openapi
	$(BIN)/python -m schemas.samples

# The labelled document corpus (PDFs and labels.json), for a look at what the
# benchmark reads; the benchmark makes its own in a temporary folder.
corpus: $(STAMP)
	$(BIN)/python -m bench.corpus.generate .billhound/corpus

screenshots: $(STAMP) browser
	BILLHOUND_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/e2e/test_browser.py

bench: $(STAMP)
	$(BIN)/python -m bench.pipeline_latency
	$(BIN)/python -m bench.portal_engines
	$(BIN)/python -m bench.browser_runs
	$(BIN)/python -m bench.api_connect
	$(BIN)/python -m bench.dedupe_corpus
	$(BIN)/python -m bench.reading
	$(BIN)/python -m bench.poison_matrix
	$(BIN)/python -m bench.worker_stop
	$(BIN)/python -m bench.db_outage
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) .billhound .pytest_cache
