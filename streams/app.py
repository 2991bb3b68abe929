"""The Faust app factory: raw-bytes topics, short rebalances, no Faust web server."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import faust

# Faust keeps a folder per app (named after it) even with in-memory tables; by
# default in the working directory, where it would litter a checkout.
DATA_DIR = str(Path(tempfile.gettempdir()) / "{conf.name}-faust-data")


@dataclass(frozen=True)
class StreamSettings:
    app_id: str
    kafka_bootstrap: str  # "host:port[,host:port]"
    topic_prefix: str = ""
    partitions: int = 4
    replicas: int = 1
    session_timeout: float = 10.0
    rebalance_timeout: float = 6.0
    datadir: str = DATA_DIR


def create_app(cfg: StreamSettings) -> faust.App:
    brokers = ";".join(f"kafka://{h.strip()}" for h in cfg.kafka_bootstrap.split(","))
    return faust.App(
        cfg.app_id,
        broker=brokers,
        store="memory://",
        datadir=cfg.datadir,
        # Events are JSON bytes parsed by pydantic in the stage runner, not Faust
        # Records, so any language can produce and consume them.
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=cfg.partitions,
        topic_replication_factor=cfg.replicas,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # A join waits about as long as the rebalance timeout on Tansu; keep it short.
        broker_session_timeout=cfg.session_timeout,
        broker_heartbeat_interval=min(3.0, cfg.session_timeout / 3),
        broker_rebalance_timeout=cfg.rebalance_timeout,
        web_enabled=False,
    )
