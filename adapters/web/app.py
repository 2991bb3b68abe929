"""The aiohttp application: the /v1 API, its OpenAPI document, the pages, and one
error middleware that turns every failure into a clear answer."""

import logging
import re

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from pymongo.errors import ConnectionFailure

from adapters.web.client_pages import add_client_pages
from adapters.web.errors import FAILURES, ApiError, as_api_error
from adapters.web.invite_pages import add_invite_pages
from adapters.web.live_pages import add_live_pages
from adapters.web.openapi import openapi
from adapters.web.pages import add_pages
from adapters.web.render import message
from adapters.web.routes import ROUTES
from adapters.web.routing import SERVICES, add_routes
from adapters.web.services import WebServices

log = logging.getLogger(__name__)


class AccessLog(AbstractAccessLogger):
    """Method, path, status and time; the tokens of invitation and client links are
    secrets, so they are cut out, and query strings are left out."""

    def log(self, request, response, time) -> None:
        path = re.sub(r"^/(invite|client)/[^/]+", r"/\1/…", request.path)
        self.logger.info("%s %s %s %.3fs", request.method, path, response.status, time)


def _json_error(err: ApiError) -> web.Response:
    headers = {}
    if err.detail.retry_after_seconds:
        headers["Retry-After"] = str(err.detail.retry_after_seconds)
    return web.json_response(
        text=err.body().model_dump_json(exclude_none=True),
        status=err.status,
        headers=headers,
    )


def _from_http(exc: web.HTTPException) -> ApiError:
    code = {
        404: "not_found",
        405: "method_not_allowed",
        413: "body_too_large",
    }.get(exc.status, "http_error")
    return ApiError(exc.status, code, exc.reason)


@web.middleware
async def errors(request: web.Request, handler):
    api = request.path.startswith("/v1/")
    try:
        return await handler(request)
    except FAILURES as exc:
        err = as_api_error(exc)
        if api:
            return _json_error(err)
        return message("Something is not right", err.detail.message, err.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if api:
            return _json_error(_from_http(exc))
        return message(exc.reason, "That did not work.", exc.status)
    except ConnectionFailure as exc:  # the database is away: say so, and when to retry
        log.warning(
            "database unavailable on %s %s: %s", request.method, request.path, exc
        )
        if api:
            return _json_error(
                ApiError(
                    503,
                    "unavailable",
                    "the database is not answering; try again shortly",
                    retry_after_seconds=10,
                )
            )
        page = message("Please try again", "Billhound is busy for a moment.", 503)
        page.headers["Retry-After"] = "10"
        return page
    except Exception:
        # The request body may hold a password: log where, never what was sent.
        log.exception("unexpected error on %s %s", request.method, request.path)
        err = ApiError(500, "internal_error", "something went wrong on our side")
        return _json_error(err) if api else message("Sorry", err.detail.message, 500)


# A hound's ear on Billhound blue: the tab's mark, with no file to ship.
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="#1d4ed8"/>'
    '<path d="M9 8h9a6 6 0 0 1 0 12h-4v5H9z" fill="#fff"/>'
    '<circle cx="17" cy="14" r="2" fill="#1d4ed8"/></svg>'
)


async def favicon(_: web.Request) -> web.Response:
    return web.Response(
        text=FAVICON,
        content_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def build_app(
    services: WebServices, max_body_bytes: int = 64 * 1024
) -> web.Application:
    app = web.Application(middlewares=[errors], client_max_size=max_body_bytes)
    app[SERVICES] = services
    spec = openapi(ROUTES)

    async def openapi_json(_: web.Request) -> web.Response:
        return web.json_response(spec)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/v1/openapi.json", openapi_json)
    app.router.add_get("/healthz", health)
    app.router.add_get("/favicon.svg", favicon)
    app.router.add_get("/favicon.ico", favicon)
    add_routes(app, ROUTES)
    add_pages(app)
    add_live_pages(app)
    add_invite_pages(app)
    add_client_pages(app)
    return app
