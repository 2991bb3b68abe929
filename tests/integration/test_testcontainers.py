"""The Docker backend itself: real Apache Kafka and MongoDB from testcontainers."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from tests.backends import docker_answers, services
from tests.bus import produce

pytestmark = pytest.mark.skipif(
    not docker_answers(),
    reason="no Docker engine answers here; the suites ran on the embedded services",
)


async def test_kafka_and_mongodb_containers_serve_the_pipeline_protocols(tmp_path):
    with services("docker", tmp_path) as (bootstrap, uri):
        topic = f"probe-{uuid.uuid4().hex[:6]}"
        await produce(bootstrap, topic, b'{"type": "probe"}', b"k")
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            message = await consumer.getone()
        finally:
            await consumer.stop()
        assert message.value == b'{"type": "probe"}'
        client = AsyncMongoClient(uri)
        await client["probe"]["c"].insert_one({"_id": 1})
        assert await client["probe"]["c"].count_documents({}) == 1
        await client.close()
