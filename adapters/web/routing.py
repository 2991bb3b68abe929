"""The /v1 route table: one declaration gives the aiohttp route, its validation and
its OpenAPI entry, so the document cannot drift from what is served."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from adapters.web.errors import ApiError, invalid
from adapters.web.services import WebServices
from schemas import bounded_json
from schemas.records import Tenant

SERVICES = web.AppKey("services", WebServices)


@dataclass(frozen=True)
class Call:
    """What a handler gets: the services, the caller's tenant, parsed input."""

    svc: WebServices
    tenant: Tenant
    path: dict[str, str]
    body: Any = None
    query: Any = None


Handler = Callable[[Call], Awaitable[BaseModel | web.StreamResponse | None]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    file: bool = False  # answers with a document's bytes
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


async def tenant_of(request: web.Request, svc: WebServices) -> Tenant:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(
            401, "unauthenticated", "send the tenant API key: Authorization: Bearer …"
        )
    tenant = await svc.tenants.by_key(key.strip())
    if tenant is None:
        raise ApiError(401, "invalid_api_key", "the API key is not valid")
    return tenant


async def parse_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send application/json")
    raw = await request.read()  # over client_max_size: 413, turned into JSON
    try:
        data = bounded_json.loads(raw or b"null")
    except ValueError as exc:
        raise ApiError(
            400, "invalid_json", f"the body is not usable JSON: {exc}"
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from None


def parse_query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    unknown = set(request.query) - set(model.model_fields)
    if unknown:
        raise ApiError(
            400, "invalid_request", f"unknown query parameter: {sorted(unknown)[0]}"
        )
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid(exc, prefix="query.") from None


def aiohttp_handler(route: Route):
    async def handle(request: web.Request) -> web.StreamResponse:
        svc = request.app[SERVICES]
        tenant = await tenant_of(request, svc)
        call = Call(
            svc=svc,
            tenant=tenant,
            path=dict(request.match_info),
            body=await parse_body(request, route.body) if route.body else None,
            query=parse_query(request, route.query) if route.query else None,
        )
        result = await route.handler(call)
        if isinstance(result, web.StreamResponse):
            return result
        if result is None:
            return web.Response(status=route.status)
        return web.json_response(text=result.model_dump_json(), status=route.status)

    handle.__name__ = route.operation_id
    return handle


def add_routes(app: web.Application, routes: list[Route]) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, aiohttp_handler(route))
