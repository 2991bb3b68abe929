"""The composition root: clients, stores, handlers and the Faust app, from Settings.

Nothing connects at import time; `prepare` makes topics and indexes before workers.
"""

import contextlib
import logging
import socket
from datetime import timedelta

import faust
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from adapters.documents.reader import DocumentReader
from adapters.mail.templates import compose
from adapters.portals.catalog import Catalog
from adapters.portals.check import PortalLoginCheck
from adapters.portals.directory import CatalogDirectory
from adapters.portals.live_view import LiveViews, viewer_check
from adapters.store.availability import MongoAvailability
from adapters.store.mongo_connections import MongoConnectionStore
from adapters.store.mongo_documents import GridFsFileStore, MongoDocumentStore
from adapters.store.mongo_inbox import MongoInboxStore, MongoNotificationStore
from adapters.store.mongo_setup import ensure_indexes
from adapters.store.mongo_suppliers import MongoSupplierStore
from adapters.store.mongo_tenancy import MongoInvitationStore, MongoTenantStore
from adapters.vault.sealing import KeyRing, PublicKeySealer
from adapters.web.services import WebServices
from agents import dedupe, fetcher, inbox, notifier, scheduler
from agents.fetch_deps import FetchDeps
from agents.fetch_policy import RetryBackoff
from agents.pipeline import STAGES
from agents.services.bus import Bus
from agents.services.connections import Connections
from agents.services.inbox import Inbox
from agents.services.invitations import Invitations
from agents.services.logins import Logins
from agents.services.tenants import Tenants
from infra.clients import mongo_client, portal_factory, schedule_policy, smtp_mailer
from infra.health import WorkerHealth
from infra.settings import Settings
from infra.wiring import wire
from infra.worker import stop_worker
from schemas.envelope import utcnow
from schemas.records import DedupeMode
from schemas.topics import TOPIC_NAMES
from streams.app import StreamSettings, create_app
from streams.producer import KafkaPublisher
from streams.publish import FaustPublisher
from streams.run_pool import RunPool
from streams.stage import RetryPolicy, StageRunner
from streams.topics import Topics

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> None:
    """Create the contract topics and the database indexes (idempotent)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                settings.topic_prefix + name,
                settings.topic_partitions,
                settings.topic_replicas,
            )
            for name in TOPIC_NAMES
            if settings.topic_prefix + name not in existing
        ]
        if wanted:
            # Another worker may have made them first.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
    finally:
        await admin.close()
    client = mongo_client(settings)
    try:
        await ensure_indexes(client[settings.mongodb_database])
    finally:
        await client.close()


def stage_handlers(
    settings: Settings, closing: list | None = None, live: LiveViews | None = None
) -> dict[str, object]:
    """Each stage's handler over MongoDB, SMTP, the portals and the key ring; each
    client and store built once and shared. What must be closed at the end (the
    portals' browser) is added to `closing`."""
    db = mongo_client(settings)[settings.mongodb_database]
    connections = MongoConnectionStore(db)
    documents = MongoDocumentStore(db)
    files, inbox_items = GridFsFileStore(db), MongoInboxStore(db)
    schedule = schedule_policy(settings)
    keys = KeyRing.load(settings.vault_keys_dir)
    catalog = Catalog.load(settings.portal_urls, extra=settings.catalog_files)
    directory = CatalogDirectory(catalog)
    portals = portal_factory(settings, catalog, db)
    if closing is not None:
        closing.append(portals)
    if live is not None:
        live.verify = viewer_check(connections)
    suppliers = MongoSupplierStore(db)
    tenants = MongoTenantStore(db)

    async def dedupe_mode(tenant_id: str) -> DedupeMode:
        tenant = await tenants.get(tenant_id)
        return tenant.dedupe_mode if tenant else DedupeMode.AUTOMATIC

    return {
        "scheduler": scheduler.SchedulerHandler(
            connections, schedule, suppliers, directory.session_limit
        ),
        "fetcher": fetcher.FetcherHandler(
            FetchDeps(
                connections=connections,
                documents=documents,
                files=files,
                suppliers=suppliers,
                portals=portals,
                directory=directory,
                vault=keys,
                schedule=schedule,
                backoff=RetryBackoff(
                    settings.fetch_retry_base_seconds,
                    settings.fetch_retry_cap_seconds,
                    settings.fetch_retry_max_attempts,
                ),
                layout_threshold=settings.layout_pause_threshold,
                topic_prefix=settings.topic_prefix,
                challenge_ttl=settings.challenge_ttl_seconds,
                live_views=live,
            )
        ),
        "dedupe": dedupe.DedupeHandler(
            documents,
            files,
            DocumentReader(
                settings.max_document_bytes,
                [s.name for s in catalog.all()],
            ),
            connections,
            dedupe_mode,
            region_of=catalog.region,
        ),
        "inbox": inbox.InboxHandler(connections, inbox_items),
        "notifier": notifier.NotifierHandler(
            connections,
            MongoNotificationStore(db),
            smtp_mailer(settings),
            compose=compose,
            page_url=settings.public_url.rstrip("/") + "/",
            reminder_every=timedelta(days=settings.reminder_after_days),
            reminder_limit=settings.reminder_limit,
            lookups=notifier.Lookups(
                invitations=MongoInvitationStore(db),
                documents=documents,
                inbox=inbox_items,
                unseal=keys.unseal_data,
                supplier_name=directory.supplier_name,
                portal_label=catalog.variant_label,
            ),
        ),
    }


def live_view_address(settings: Settings) -> str:
    """Where the API reaches this worker's live views: its health server, by the
    worker's own host name where it listens on every interface (one address per
    worker, even with several replicas behind one service name)."""
    host = settings.health_host
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - compared, not bound
        host = socket.gethostname()
    return f"http://{host}:{settings.health_port}"


def build_worker(settings: Settings) -> faust.App:
    app = create_app(
        StreamSettings(
            app_id=settings.app_id,
            kafka_bootstrap=settings.kafka_bootstrap,
            topic_prefix=settings.topic_prefix,
            partitions=settings.topic_partitions,
            replicas=settings.topic_replicas,
            session_timeout=settings.broker_session_timeout,
            rebalance_timeout=settings.broker_rebalance_timeout,
        )
    )
    topics = Topics(app, settings.topic_prefix)
    publisher = FaustPublisher(topics)
    policy = RetryPolicy(settings.stage_attempts, settings.stage_backoff_seconds)
    outages = MongoAvailability(
        settings.mongodb_uri,
        max_wait=settings.database_wait_seconds,
        give_up=stop_worker,
    )
    runners = {
        stage: StageRunner(stage, publisher, policy, outages) for stage in STAGES
    }
    pools = {"fetcher": RunPool(settings.fetch_concurrency)}
    closing: list = []
    live = LiveViews(settings.live_view_url or live_view_address(settings))
    handlers = stage_handlers(settings, closing, live)
    wire(app, topics, runners, handlers, settings.scheduler_tick_seconds, pools)

    @app.on_before_shutdown.connect
    async def stop_runs(app, **_) -> None:
        for pool in pools.values():  # each run is durable in its lease
            await pool.close()
        for resource in closing:  # after the runs that used it
            await resource.close()

    health = WorkerHealth(
        app,
        runners.values(),
        outages,
        settings.kafka_bootstrap,
        settings.stage_stuck_seconds,
        pools,
    )
    served = []  # holds the health server's runner for the worker's life

    @app.task
    async def serve_health() -> None:
        try:
            served.append(
                await health.serve(
                    settings.health_host, settings.health_port, live.routes
                )
            )
        except OSError as exc:  # the agents matter more than their probe
            log.error(
                "worker health not served on port %d: %s", settings.health_port, exc
            )

    return app


def tenant_service(db) -> Tenants:
    return Tenants(MongoTenantStore(db), utcnow)


async def build_web(settings: Settings) -> tuple[WebServices, list]:
    """The web API's use cases over MongoDB, the bus, SMTP and the portals, and what
    to close when it stops."""
    db = mongo_client(settings)[settings.mongodb_database]
    publisher = KafkaPublisher(settings.kafka_bootstrap, settings.topic_prefix)
    await publisher.start()
    public_key = settings.vault_public_key
    if not public_key:  # local runs: the public half of the fetchers' key
        public_key = KeyRing.load(settings.vault_keys_dir).public_key_b64()
    sealer = PublicKeySealer(public_key)
    catalog = Catalog.load(settings.portal_urls, extra=settings.catalog_files)
    portals = portal_factory(settings, catalog, db)  # its logins count in the rate
    logins = Logins(
        CatalogDirectory(catalog),
        PortalLoginCheck(portals),
        sealer,
        settings.check_on_connect,
    )
    inbox_items = MongoInboxStore(db)
    connections = Connections(
        MongoConnectionStore(db),
        inbox_items,
        logins,
        sealer,
        Bus(publisher),
        schedule_policy(settings),
        utcnow,
    )
    tenants = tenant_service(db)
    invitations = Invitations(
        MongoInvitationStore(db),
        tenants.store,
        connections,
        smtp_mailer(settings),
        compose,
        sealer,
        lambda path: settings.public_url.rstrip("/") + path,
        timedelta(days=settings.invitation_days),
        utcnow,
    )
    services = WebServices(
        connections=connections,
        invitations=invitations,
        tenants=tenants,
        inbox=Inbox(inbox_items, GridFsFileStore(db)),
        catalog=catalog,
        public_url=settings.public_url,
    )
    return services, [publisher.stop, db.client.close, portals.close]
