"""The gateway websocket: HELLO, IDENTIFY/READY, RESUME, heartbeats and numbered dispatches."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, REQUEST_MEMBERS = 0, 1, 2, 6, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
RESUMABLE_CLOSE = 4000  # "unknown error": Discord's clients reconnect and resume

Event = tuple[str, dict[str, Any]]


class Connection:
    """One websocket; everything sent goes through an ordered outbox of JSON frames."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.heartbeats: list[float] = []
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write())

    def send(self, frame: str) -> None:
        self._outbox.put_nowait(frame)

    async def _write(self) -> None:
        while True:
            frame = await self._outbox.get()
            try:
                await self.ws.send_str(frame)
            except ConnectionError:
                log.debug("gateway socket gone; dropped %.80s", frame)
                return

    async def close(self, code: int) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        await self.ws.close(code=code)


@dataclass
class Session:
    """One IDENTIFY: its numbered events (as sent) survive reconnects for a RESUME's replay."""

    id: str
    intents: int
    events: list[str] = field(default_factory=list)
    connection: Connection | None = None


class Gateway:
    """Serves the gateway on a websocket route and dispatches events to the live session.

    `ready_events()` returns the READY and GUILD_CREATE events for a new session;
    `member_chunk(request)` answers a REQUEST_GUILD_MEMBERS.
    """

    def __init__(
        self,
        ready_events: Callable[[str], list[Event]],
        member_chunk: Callable[[dict[str, Any]], dict[str, Any]],
        heartbeat_interval_ms: int = 1000,
    ) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.session: Session | None = None
        self.connections: list[Connection] = []
        self.resumes = 0
        self._ready_events = ready_events
        self._member_chunk = member_chunk
        self._resumed = asyncio.Event()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = Connection(ws)
        self.connections.append(connection)
        hello = {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
        connection.send(json.dumps(hello))
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._receive(connection, json.loads(message.data))
        finally:
            if self.session and self.session.connection is connection:
                self.session.connection = None
            log.debug("gateway connection closed with %s", ws.close_code)
            await connection.close(ws.close_code or 1000)
        return ws

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the client (or keep it for the RESUME if it is reconnecting).

        The event is serialized now, so later changes to `data` do not leak into it.
        """
        session = self.session
        if session is None:
            msg = f"cannot dispatch {event}: no client has identified yet"
            raise RuntimeError(msg)
        frame = json.dumps({"op": DISPATCH, "t": event, "s": len(session.events) + 1, "d": data})
        session.events.append(frame)
        if session.connection is not None:
            session.connection.send(frame)

    async def drop(self, code: int = RESUMABLE_CLOSE, timeout: float = 5.0) -> None:
        """Close the live socket with a resumable code and wait until the client resumed."""
        session = self.session
        if session is None or session.connection is None:
            msg = "no live gateway connection to drop"
            raise RuntimeError(msg)
        connection, session.connection = session.connection, None
        self._resumed.clear()
        await connection.close(code)
        await asyncio.wait_for(self._resumed.wait(), timeout)

    async def close(self) -> None:
        for connection in self.connections:
            await connection.close(code=1001)

    def heartbeat_gaps(self) -> list[float]:
        """Seconds between consecutive heartbeats on each connection."""
        return [
            later - earlier
            for connection in self.connections
            for earlier, later in itertools.pairwise(connection.heartbeats)
        ]

    def _receive(self, connection: Connection, message: dict[str, Any]) -> None:
        op, data = message.get("op"), message.get("d")
        if op == HEARTBEAT:
            connection.heartbeats.append(time.monotonic())
            connection.send(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            self._identify(connection, data)
        elif op == RESUME:
            self._resume(connection, data)
        elif op == REQUEST_MEMBERS:
            self.dispatch("GUILD_MEMBERS_CHUNK", self._member_chunk(data))
        else:
            log.debug("ignoring gateway op %s", op)

    def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        self.session = Session(uuid.uuid4().hex, int(data.get("intents", 0)), connection=connection)
        for event, payload in self._ready_events(self.session.id):
            self.dispatch(event, payload)

    def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        session = self.session
        if session is None or session.id != data.get("session_id"):
            connection.send(json.dumps({"op": INVALID_SESSION, "d": False}))
            return
        session.connection = connection
        seen = data.get("seq") or 0
        for frame in session.events[seen:]:
            connection.send(frame)
        self.resumes += 1
        self.dispatch("RESUMED", {"_trace": ["fake-discord"]})
        self._resumed.set()
