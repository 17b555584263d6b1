"""The dashboard's web application (Starlette, Jinja2 templates rendered on the server).

Read-only and local: it answers GET and HEAD only, opens the inventory read-only per request,
binds to 127.0.0.1 unless told otherwise (cli/serve.py), and accepts only the Host names it was
started for (a page on another site cannot reach it by DNS rebinding). Every response carries a
Content-Security-Policy that allows this app's own stylesheet and nothing else: no script runs,
nothing loads from elsewhere. Every page answers as JSON at the same path with ".json".
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from custodiet.dashboard import views
from custodiet.dashboard.db import open_readonly
from custodiet.errors import NotFoundError, StoreError, UsageError
from custodiet.numbers import whole_number
from custodiet.report.text import excerpt
from custodiet.store import Store

STATIC = Path(__file__).parent / "static"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _shown(value: object, limit: int = 200) -> str:
    """Device text made visible and bounded (autoescaping does the HTML part)."""
    return excerpt("" if value is None else str(value), limit)


def _query(params: dict[str, str], **changes: object) -> str:
    merged = {**params, **{k: str(v) for k, v in changes.items() if v is not None}}
    return "?" + urlencode({k: v for k, v in merged.items() if v != ""})


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("custodiet.dashboard", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["shown"] = _shown
    env.globals["query"] = _query
    return env


class SharedStore:
    """One read-only connection, kept open so that SQLite's page cache stays warm between requests
    (a fresh connection per request re-reads every page of a 100,000-device sort), used by one
    request at a time (a local dashboard has one user; SQLite connections are not for sharing
    between threads at once). Dropped after an error, reopened by the next request."""

    CACHE_KIB = 65536  # SQLite page cache of the shared connection

    def __init__(self, db: Path) -> None:
        self.db = db
        self.lock = threading.Lock()
        self._store: Store | None = None

    def get(self) -> Store:
        if self._store is None:
            store = open_readonly(self.db)
            store._conn.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
            self._store = store
        return self._store

    def drop(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            store.close()


def create_app(db: Path, allowed_hosts: list[str] | None = None) -> Starlette:
    env = make_environment()
    shared = SharedStore(db)

    def respond(
        request: Request, make: Callable[..., views.Page], *args: Any, as_json: bool = False
    ) -> Response:
        params = {k: v for k, v in request.query_params.items()}
        with shared.lock:
            try:
                store = shared.get()
            except StoreError as exc:
                return _error(env, 503, str(exc), as_json)
            try:
                page = make(store, *args, params)
            except LookupError as exc:
                return _error(env, 404, str(exc.args[0] if exc.args else exc), as_json)
            except NotFoundError as exc:  # an unknown run or device: the page does not exist
                return _error(env, 404, str(exc), as_json)
            except UsageError as exc:
                return _error(env, 400, str(exc), as_json)
            except StoreError as exc:
                missing = "has no finished run" in exc.message or "no finished run yet" in exc.message
                if not missing:
                    shared.drop()
                return _error(env, 404 if missing else 503, str(exc), as_json)
            except sqlite3.Error as exc:
                shared.drop()
                hint = " (an audit or another program holds it; try again)" if "locked" in str(exc) else ""
                return _error(env, 503, f"{db}: cannot read the inventory: {exc}{hint}", as_json)
        if as_json:
            return Response(_dumps(page.data), media_type="application/json", headers=HEADERS)
        body = env.get_template(page.template).render(**page.context, request_path=request.url.path)
        return HTMLResponse(body, headers=HEADERS)

    def page(make: Callable[..., views.Page]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            return respond(request, make, as_json=request.url.path.endswith(".json"))

        return endpoint

    def device(request: Request) -> Response:
        device_id = request.path_params["device_id"]
        as_json = device_id.endswith(".json")
        if as_json:
            device_id = device_id[: -len(".json")]
        return respond(request, views.device, device_id, as_json=as_json)

    def run(request: Request) -> Response:
        text = request.path_params["run_id"]
        as_json = text.endswith(".json")
        text = text.removesuffix(".json")
        run_id = whole_number(text)
        if run_id is None:
            return _error(env, 404, f"no run {text!r}", as_json)
        return respond(request, views.run, run_id, as_json=as_json)

    def favicon(request: Request) -> Response:
        return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml", headers=HEADERS)

    routes = [
        Route("/", page(views.overview), methods=["GET", "HEAD"]),
        Route("/index.json", page(views.overview), methods=["GET", "HEAD"]),
        Route("/.json", page(views.overview), methods=["GET", "HEAD"]),
        Route("/devices", page(views.devices), methods=["GET", "HEAD"]),
        Route("/devices.json", page(views.devices), methods=["GET", "HEAD"]),
        Route("/devices/{device_id:path}", device, methods=["GET", "HEAD"]),
        Route("/findings", page(views.findings), methods=["GET", "HEAD"]),
        Route("/findings.json", page(views.findings), methods=["GET", "HEAD"]),
        Route("/runs", page(views.runs), methods=["GET", "HEAD"]),
        Route("/runs.json", page(views.runs), methods=["GET", "HEAD"]),
        Route("/runs/{run_id}", run, methods=["GET", "HEAD"]),
        Route("/diff", page(views.diff), methods=["GET", "HEAD"]),
        Route("/diff.json", page(views.diff), methods=["GET", "HEAD"]),
        Route("/sites", page(views.sites), methods=["GET", "HEAD"]),
        Route("/sites.json", page(views.sites), methods=["GET", "HEAD"]),
        Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost", "[::1]"])
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(env, 404, f"no page {request.url.path}", request.url.path.endswith(".json"))

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(
            "read-only: GET and HEAD only\n", status_code=405, headers={**HEADERS, "Allow": "GET, HEAD"}
        )

    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: not_found, 405: not_allowed},
    )


def _dumps(data: Any) -> bytes:
    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):  # a lone surrogate: escaped (\\udcNN), not a crash
        return json.dumps(data, ensure_ascii=True, default=str).encode("ascii")


def _error(env: Environment, status: int, message: str, as_json: bool) -> Response:
    if as_json:
        return Response(
            orjson.dumps({"error": message}),
            status_code=status,
            media_type="application/json",
            headers=HEADERS,
        )
    body = env.get_template("error.html").render(status=status, message=message, request_path="")
    return HTMLResponse(body, status_code=status, headers=HEADERS)
