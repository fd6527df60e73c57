"""The aiohttp application (gateway, REST, attachment files) and its life on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiohttp import web

from .gateway import Gateway
from .rest import RestRequest, Route, mount

Files = Mapping[int, tuple[bytes, str]]


def build_app(
    gateway: Gateway, routes: list[Route], record: Callable[[RestRequest], None], files: Files
) -> web.Application:
    """The gateway websocket on `/`, the REST API under `/api/v10`, uploads under `/attachments`."""
    app = web.Application()
    app.router.add_get("/", gateway.handle)
    app.router.add_get("/attachments/{attachment_id}/{filename}", _attachments(files))
    mount(app, routes, record)
    return app


def _attachments(files: Files):
    async def serve(request: web.Request) -> web.Response:
        try:
            data, content_type = files[int(request.match_info["attachment_id"])]
        except KeyError:
            raise web.HTTPNotFound() from None
        return web.Response(body=data, content_type=content_type)

    return serve


class LoopbackServer:
    """Serves an app on a free port of 127.0.0.1."""

    def __init__(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app)
        self.port = 0

    async def start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()
