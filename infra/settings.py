"""All settings in one pydantic-settings class; each field is env var BILLHOUND_*."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILLHOUND_", extra="ignore")

    # Bus
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="host:port[,host:port]")
    topic_prefix: str = Field("", description="Prepended to every topic name")
    topic_partitions: int = Field(4, ge=1)
    topic_replicas: int = Field(1, ge=1)
    app_id: str = Field("billhound", description="Faust app id = consumer group")
    broker_session_timeout: float = 10.0
    broker_rebalance_timeout: float = 6.0

    # Database
    mongodb_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongodb_database: str = "billhound"
    mongodb_timeout_seconds: float = Field(
        10.0, gt=0, description="An operation waits this long for a server"
    )
    database_wait_seconds: float = Field(
        600.0,
        gt=0,
        description="Stages wait this long for a lost database; then the worker "
        "stops, uncommitted, for its orchestrator to restart it",
    )

    # Mail
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool | None = None
    mail_from: str = "Billhound <noreply@billhound.local>"
    reminder_after_days: float = Field(
        3.0, gt=0, description="Remind of a disruption after this long, and again"
    )
    reminder_limit: int = Field(2, ge=0, description="Reminders per disruption")

    # Web API and the connected suppliers page
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    public_url: str = Field(
        "http://127.0.0.1:8080", description="How people reach the page (mail links)"
    )
    api_max_body_bytes: int = Field(64 * 1024, ge=1024)
    invitation_days: float = Field(7.0, gt=0, description="Invitation links expire")
    check_on_connect: bool = Field(
        True, description="Log in to the portal before a connection is accepted"
    )
    # Sealing needs only the public key; the API never holds a private one.
    vault_public_key: str | None = Field(
        None, description="base64; default: the current key of vault_keys_dir"
    )

    # Credential vault: private keys (*.key); only fetchers need this directory.
    vault_keys_dir: Path = Path(".billhound/keys")

    # Portals: "supplier/variant" -> base URL overrides of the catalog (local, staging).
    portal_urls: dict[str, str] = Field(default_factory=dict)
    # Catalog files of an operator's own suppliers, read after the built-in catalog.
    catalog_files: list[Path] = Field(default_factory=list)
    portal_timeout_seconds: float = 30.0
    browser_contexts: int = Field(
        8, ge=1, description="Browser runs one worker holds at once; more wait"
    )
    challenge_ttl_seconds: float | None = Field(
        None, gt=0, description="Cap on how long a sent code is waited for"
    )

    # Scheduling and retries
    scheduler_tick_seconds: float = Field(30.0, gt=0)
    # A run renews its lease every third of it while it lives; a run lost with its
    # worker is claimed again once the lease has run out.
    fetch_lease_seconds: float = Field(60.0, ge=3)
    fetch_concurrency: int = Field(
        200, ge=1, description="Fetch runs one worker holds at once"
    )
    scheduler_max_running: int = Field(
        800, ge=1, description="Runs in flight, all workers: concurrency x workers"
    )
    schedule_jitter_fraction: float = Field(0.0, ge=0)
    lookback_days: int = Field(14, ge=0)
    fetch_retry_base_seconds: float = 60.0
    fetch_retry_cap_seconds: float = 6 * 3600.0
    fetch_retry_max_attempts: int = Field(5, ge=1)
    max_document_bytes: int = Field(
        20 * 1024 * 1024, ge=1024, description="Larger fetched files are rejected"
    )
    layout_pause_threshold: int = Field(
        2, ge=1, description="Connections seeing a changed layout to pause a supplier"
    )
    stage_attempts: int = Field(
        3, ge=1, description="In-place tries before dead-letter"
    )
    stage_backoff_seconds: float = 0.5

    # Running workers: start-up, health, shutdown
    startup_wait_seconds: float = Field(
        120.0, ge=0, description="Wait this long for the broker and the database"
    )
    health_host: str = "127.0.0.1"
    health_port: int = Field(8081, description="The worker's GET /healthz")
    live_view_url: str | None = Field(
        None,
        description="Where the web reaches this worker's live views (its health "
        "server, /live/...); default http://health_host:health_port",
    )
    stage_stuck_seconds: float = Field(
        900.0,
        gt=0,
        description="An event in hand this long without progress: unhealthy",
    )
    shutdown_seconds: float = Field(
        8.0,
        gt=0,
        description="Stop within this after SIGTERM, whatever a stage is doing "
        "(below the orchestrator's grace period, 10 s by default)",
    )

    log_level: str = "INFO"
