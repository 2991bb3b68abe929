"""The OpenAPI 3.1 document of /v1, made from the route table and the pydantic
bodies; served at /v1/openapi.json and kept in docs/openapi.json."""

import re
from http import HTTPStatus

from pydantic.json_schema import models_json_schema

from adapters.web.routing import Route
from schemas.api import ErrorBody

REF = "#/components/schemas/{model}"


def _components(routes: list[Route]) -> dict:
    models = {ErrorBody}
    for r in routes:
        models |= {m for m in (r.body, r.response) if m is not None}
    pairs = [
        (m, "validation" if any(r.body is m for r in routes) else "serialization")
        for m in sorted(models, key=lambda m: m.__name__)
    ]
    _, schema = models_json_schema(pairs, ref_template=REF)
    return schema.get("$defs", {})


def _parameters(route: Route) -> list[dict]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.query is not None:
        schema = route.query.model_json_schema()
        for name, prop in schema["properties"].items():
            params.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in schema.get("required", []),
                    "description": prop.pop("description", ""),
                    "schema": prop,
                }
            )
    return params


def _responses(route: Route) -> dict:
    ok: dict = {"description": HTTPStatus(route.status).phrase}
    if route.file:
        ok["content"] = {"application/pdf": {"schema": {"type": "string"}}}
    elif route.response is not None and route.status != 204:
        ref = REF.format(model=route.response.__name__)
        ok["content"] = {"application/json": {"schema": {"$ref": ref}}}
    out = {str(route.status): ok}
    for status in sorted({401, *route.errors}):
        out[str(status)] = {
            "description": HTTPStatus(status).phrase,
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model=ErrorBody.__name__)}
                }
            },
        }
    return out


def openapi(routes: list[Route], version: str = "1.0.0") -> dict:
    paths: dict[str, dict] = {}
    for route in routes:
        op = {
            "operationId": route.operation_id,
            "summary": route.summary,
            "tags": list(route.tags),
            "parameters": _parameters(route),
            "responses": _responses(route),
        }
        if route.body is not None:
            ref = REF.format(model=route.body.__name__)
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": ref}}},
            }
        paths.setdefault(route.path, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Billhound API",
            "version": version,
            "description": "Connect supplier portals, follow their state, read the "
            "inbox, invite clients. Every call carries a tenant API key.",
        },
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}],
        "paths": paths,
        "components": {
            "schemas": _components(routes),
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "bearerFormat": "bh_…"}
            },
        },
    }


ROUTES_START, ROUTES_END = "<!-- routes: make docs -->", "<!-- /routes -->"


def routes_markdown(routes) -> str:
    """Every /v1 route as a table row: what it does, what it takes, how it answers."""
    rows = ["| route | does | takes | answers |", "|---|---|---|---|"]
    for r in routes:
        takes = []
        if r.query is not None:
            takes.append("query: " + ", ".join(f"`{n}`" for n in r.query.model_fields))
        if r.body is not None:
            takes.append(", ".join(f"`{n}`" for n in r.body.model_fields))
        errors = ", ".join(str(code) for code in r.errors)
        answer = f"{r.status}" + (f"; {errors}" if errors else "")
        rows.append(
            f"| `{r.method} {r.path}` | {r.summary} | {'; '.join(takes) or '—'} "
            f"| {answer} |"
        )
    return "\n".join(rows)


def with_routes(doc: str, routes) -> str:
    """docs/api.md with its route table made anew from the route table."""
    head, _, rest = doc.partition(ROUTES_START)
    _, _, tail = rest.partition(ROUTES_END)
    table = routes_markdown(routes)
    return f"{head}{ROUTES_START}\n{table}\n{ROUTES_END}{tail}"


def main() -> None:
    """Write docs/openapi.json and the route table of docs/api.md (make docs); tests
    compare them with what is served."""
    import json
    from pathlib import Path

    from adapters.web.routes import ROUTES

    out = Path("docs/openapi.json")
    out.write_text(json.dumps(openapi(ROUTES), indent=2, sort_keys=True) + "\n")
    api = Path("docs/api.md")
    api.write_text(with_routes(api.read_text(), ROUTES))
    print(f"wrote {out} and the routes of {api}")


if __name__ == "__main__":
    main()
