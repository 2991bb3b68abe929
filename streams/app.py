"""The Faust app factory: raw-bytes topics, short rebalances, no Faust web server."""

from dataclasses import dataclass

import faust


@dataclass(frozen=True)
class StreamSettings:
    app_id: str
    kafka_bootstrap: str  # "host:port[,host:port]"
    topic_prefix: str = ""
    partitions: int = 4
    replicas: int = 1
    session_timeout: float = 10.0
    rebalance_timeout: float = 6.0


def create_app(cfg: StreamSettings) -> faust.App:
    brokers = ";".join(f"kafka://{h.strip()}" for h in cfg.kafka_bootstrap.split(","))
    return faust.App(
        cfg.app_id,
        broker=brokers,
        store="memory://",
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
