# The Billhound worker image for docker-compose (production). Not built on dev machines
# without a Docker engine; `make run` needs no Docker.
FROM python:3.11-slim
WORKDIR /app
# Scans are read by tesseract with its language packs (offline models in the packages);
# portals that need a browser are driven in Debian's Chromium.
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra \
      tesseract-ocr-nld tesseract-ocr-spa tesseract-ocr-ita chromium \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY streams streams
COPY agents agents
COPY adapters adapters
COPY infra infra
RUN pip install --no-cache-dir .
# A fixed uid, so mounted key files can be owned by it (docs/operations.md).
RUN useradd --system --uid 10001 billhound
USER billhound
ENTRYPOINT ["billhound"]
CMD ["worker"]
