# The Billhound worker image for docker-compose (production). Not built on dev machines
# without a Docker engine; `make run` needs no Docker.
FROM python:3.11-slim
WORKDIR /app
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
