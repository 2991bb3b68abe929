"""The API's request bodies as the use cases' commands."""

from agents.services.commands import AnswerCode, Connect, Invite, Login, Reconnect
from schemas.api import ChallengeAnswerIn, ConnectionIn, InvitationIn, LoginIn


def login_of(body: LoginIn) -> Login:
    return Login(body.login, body.password, body.totp_secret)


def connect_of(tenant_id: str, body: ConnectionIn) -> Connect:
    return Connect(
        tenant_id=tenant_id,
        supplier_id=body.supplier_id,
        portal_variant=body.portal_variant,
        connector_kind=body.connector_kind,
        document_owner=body.document_owner,
        notify_email=str(body.notify_email),
        collect_from=body.collect_from,
        schedule_hours=body.schedule_hours,
        login=login_of(body),
    )


def reconnect_of(tenant_id: str, connection_id: str, body: LoginIn) -> Reconnect:
    return Reconnect(tenant_id, connection_id, login_of(body))


def answer_of(tenant_id: str, connection_id: str, body: ChallengeAnswerIn):
    return AnswerCode(tenant_id, connection_id, body.challenge_id, body.code)


def invite_of(tenant_id: str, body: InvitationIn) -> Invite:
    return Invite(
        tenant_id=tenant_id,
        client_email=str(body.client_email),
        client_name=body.client_name,
        supplier_id=body.supplier_id,
        portal_variant=body.portal_variant,
        connector_kind=body.connector_kind,
        document_owner=body.document_owner,
        notify_email=str(body.notify_email) if body.notify_email else None,
        collect_from=body.collect_from,
        schedule_hours=body.schedule_hours,
    )
