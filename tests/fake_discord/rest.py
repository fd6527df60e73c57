"""REST plumbing under /api/v10: parse each request, validate it, route it, record it."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from . import openapi

log = logging.getLogger(__name__)

PREFIX = "/api/v10"


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RestRequest:
    """One request the bot sent, what the fake answered, and why Discord would reject it."""

    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    headers: CIMultiDict[str]
    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None
    errors: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status} json={self.json!r}>"

    def flag(self, name: str) -> bool:
        """A boolean query parameter (`wait`, `with_response`)."""
        return self.query.get(name, "").lower() in ("1", "true")


@dataclass
class Reply:
    status: int = 200
    body: Any = None

    def to_response(self) -> web.Response:
        if self.body is None:
            return web.Response(status=self.status)
        # discord.py parses JSON only when the Content-Type is exactly application/json.
        headers = {"Content-Type": "application/json"}
        return web.Response(
            status=self.status, body=json.dumps(self.body).encode(), headers=headers
        )


class Problem(Exception):
    """Ends a request with a Discord error body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.reply = Reply(status, {"message": message, "code": code})


Handler = Callable[[RestRequest], Awaitable[Reply]]
Route = tuple[str, str, Handler]
NO_CONTENT = Reply(204)


def mount(app: web.Application, routes: list[Route], record: Callable[[RestRequest], None]) -> None:
    """Serve `routes` (method, path template, handler) and 404 everything else.

    Each request is validated against Discord's OpenAPI description first; an invalid one
    gets Discord's 400 "Invalid Form Body". Every request is passed to `record` at the end.
    """
    for method, route, handler in routes:
        app.router.add_route(method, PREFIX + route, _serve(route, handler, record))
    app.router.add_route("*", PREFIX + "/{tail:.*}", _serve("", _unknown, record))


def _serve(
    route: str, handler: Handler, record: Callable[[RestRequest], None]
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def serve(request: web.Request) -> web.Response:
        call, body = await _parse(request, route)
        call.errors = openapi.validate(
            call.method, call.path, call.query, call.headers, body, multipart=bool(call.files)
        )
        try:
            reply = (
                _invalid_form_body(call.errors) if route and call.errors else await handler(call)
            )
        except Problem as problem:
            reply = problem.reply
        except Exception:
            # A bug in the fake: fail the test, and answer 400 (discord.py retries a 500).
            log.exception("fake Discord failed on %s %s", call.method, call.path)
            call.errors.append("the fake Discord crashed (see the log)")
            reply = Reply(400, {"message": "fake Discord crashed", "code": 0})
        call.status, call.response = reply.status, reply.body
        record(call)
        return reply.to_response()

    return serve


async def _unknown(call: RestRequest) -> Reply:
    call.errors.insert(0, "the fake Discord has no such route")
    return Reply(404, {"message": "404: Not Found", "code": 0})


async def _parse(request: web.Request, route: str) -> tuple[RestRequest, bytes | None]:
    """The recorded request, and the JSON body to validate (a multipart's `payload_json`)."""
    call = RestRequest(
        method=request.method,
        path=re.sub(r"\?.*", "", request.raw_path)[len(PREFIX) :],
        route=route,
        params=dict(request.match_info),
        query=dict(request.query),
        headers=CIMultiDict(request.headers),
    )
    body: bytes | None = None
    if request.content_type == "multipart/form-data":
        form = await request.post()
        for name, part in form.items():
            if isinstance(part, web.FileField):
                data = part.file.read()
                call.files.append(UploadedFile(name, part.filename, part.content_type, data))
            elif name == "payload_json":
                body = part if isinstance(part, bytes) else part.encode()
    elif request.body_exists:
        body = await request.read()
    call.json = json.loads(body) if body else None
    return call, body


def _invalid_form_body(errors: list[str]) -> Reply:
    details = {"request": {"_errors": [{"code": "OPENAPI", "message": e} for e in errors]}}
    return Reply(400, {"message": "Invalid Form Body", "code": 50035, "errors": details})
