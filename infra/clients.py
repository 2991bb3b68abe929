"""The clients and policies the composition root builds from Settings."""

from pymongo import AsyncMongoClient

from adapters.mail.smtp import SmtpMailer
from adapters.portals.browsers import BrowserPool
from adapters.portals.catalog import Catalog
from adapters.portals.factory import CatalogPortalFactory
from adapters.store.mongo_suppliers import MongoRequestBudget
from agents.schedule_policy import SchedulePolicy
from infra.settings import Settings


def mongo_client(settings: Settings) -> AsyncMongoClient:
    # tz_aware: datetimes come back as UTC-aware, so comparisons with utcnow() work.
    return AsyncMongoClient(
        settings.mongodb_uri,
        tz_aware=True,
        serverSelectionTimeoutMS=int(settings.mongodb_timeout_seconds * 1000),
    )


def smtp_mailer(settings: Settings) -> SmtpMailer:
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        start_tls=settings.smtp_starttls,
    )


def portal_factory(settings: Settings, catalog: Catalog, db) -> CatalogPortalFactory:
    """Portal sessions paced by each supplier's rate across every worker and web."""
    budget = MongoRequestBudget(db)
    browsers = BrowserPool(settings.browser_contexts)
    return CatalogPortalFactory(
        catalog, settings.portal_timeout_seconds, budget, browsers
    )


def schedule_policy(settings: Settings) -> SchedulePolicy:
    return SchedulePolicy(
        lease_seconds=settings.fetch_lease_seconds,
        jitter_fraction=settings.schedule_jitter_fraction,
        lookback_days=settings.lookback_days,
        max_running=settings.scheduler_max_running,
    )
