"""A real HTTP server on loopback that plays one REST system, with faults on demand.

Each stand-in is a :class:`StandIn` subclass holding its records in the
system's own JSON shape and a route table. The server is the standard library's
``ThreadingHTTPServer`` on ``127.0.0.1`` and an ephemeral port, run in a daemon
thread, speaking HTTP/1.1 with keep-alive, so clients exercise real sockets.

Faults are injected per request, either queued (``faults.add("429", "drop")``)
or as a random *storm* (``faults.storm(0.3)``):

* ``"429"`` — throttled, with ``Retry-After``;
* ``"500"``, ``"502"``, ``"503"`` — server errors;
* ``"drop"`` — the connection is closed before the request is handled;
* ``"drop_after"`` — the request *is* handled (a write happens), then the
  connection is closed without an answer: the hardest case for exactly-once.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("429", "500", "502", "503", "drop", "drop_after")


@dataclass(frozen=True)
class Request:
    """One request as a handler sees it."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: Any
    match: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """A header, case-insensitive."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Reply:
    """What a handler answers: status, JSON body and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)
    raw: bytes | None = None  # a non-JSON body (e.g. OData XML), sent as is
    content_type: str = "application/json; charset=utf-8"


class Faults:
    """Faults to inject: a queue consumed first, then a random storm rate."""

    def __init__(self) -> None:
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()
        self.rate = 0.0
        self.kinds: tuple[str, ...] = FAULT_KINDS
        self.retry_after = "0"
        self._rng = random.Random(0)
        self.injected: Counter[str] = Counter()

    def add(self, *kinds: str) -> None:
        """Queue faults for the next requests, in order."""
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {FAULT_KINDS}")
        with self._lock:
            self._queue.extend(kinds)

    def storm(self, rate: float, kinds: tuple[str, ...] = FAULT_KINDS, *, seed: int = 0) -> None:
        """Fail each request with probability ``rate``, with a kind drawn from ``kinds``."""
        with self._lock:
            self.rate = rate
            self.kinds = kinds
            self._rng = random.Random(seed)

    def calm(self) -> None:
        """Stop the storm and clear the queue."""
        with self._lock:
            self.rate = 0.0
            self._queue.clear()

    def take(self) -> str | None:
        """The fault for this request, if any."""
        with self._lock:
            kind = self._queue.popleft() if self._queue else None
            if kind is None and self.rate and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
            if kind:
                self.injected[kind] += 1
            return kind


def to_json(value: Any) -> bytes:
    """JSON with Decimals as numbers (their shortest repr is exact) and dates as ISO."""

    def default(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            return float(obj)
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        raise TypeError(f"cannot encode {type(obj).__name__}")

    return json.dumps(value, default=default).encode()


Handler = Callable[[Request], Reply]


class StandIn:
    """Base class of the stand-ins: server lifecycle, routing, faults, request log."""

    system: ClassVar[str] = "rest"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.faults = Faults()
        self.log: list[tuple[str, str, int]] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # routing -----------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Register ``handler`` for ``method`` and a path regex with named groups."""
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    def dispatch(self, request: Request) -> Reply:
        """Find the handler for a request; 404/405 like a web server would."""
        allowed = False
        for method, pattern, handler in self._routes:
            m = pattern.match(request.path)
            if m is None:
                continue
            allowed = True
            if method == request.method:
                with self.lock:
                    return handler(
                        Request(
                            request.method,
                            request.path,
                            request.query,
                            request.headers,
                            request.body,
                            m.groupdict(),
                        )
                    )
        if allowed:
            return Reply(405, {"message": f"{request.method} not allowed on {request.path}"})
        return Reply(404, {"message": f"no resource at {request.path}"})

    def throttled(self) -> Reply:
        """The answer to a throttled request."""
        return Reply(
            429,
            {"message": "API rate limit exceeded"},
            {"Retry-After": self.faults.retry_after},
        )

    # lifecycle ---------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        if self._server is None:
            raise RuntimeError(f"{self.system} stand-in is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self, port: int = 0) -> StandIn:
        """Start serving on loopback, on ``port`` (0: an ephemeral one)."""
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.system}-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and close its socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One buffered write per answer and no Nagle: otherwise headers and body go
        # out as two segments and delayed ACKs add ~40 ms to every request.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            ctype = self.headers.get("Content-Type") or ""
            body: Any = None
            if raw:
                if "application/x-www-form-urlencoded" in ctype:
                    body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
                else:
                    try:
                        body = json.loads(raw, parse_float=Decimal)
                    except ValueError:
                        body = raw.decode(errors="replace")
            request = Request(self.command, parts.path, query, dict(self.headers.items()), body)
            fault = standin.faults.take()
            if fault == "drop":
                self._drop()
                return
            if fault == "429":
                reply = standin.throttled()
            elif fault in ("500", "502", "503"):
                reply = Reply(int(fault), {"message": "Internal server error (injected)"})
            else:
                try:
                    reply = standin.dispatch(request)
                except Exception as exc:  # a stand-in bug shows up as a 500, like a server
                    reply = Reply(500, {"message": f"{type(exc).__name__}: {exc}"})
            standin.log.append((request.method, request.path, reply.status))
            if fault == "drop_after":
                self._drop()
                return
            if reply.raw is not None:
                payload = reply.raw
            else:
                payload = b"" if reply.body is None else to_json(reply.body)
            self.send_response(reply.status)
            if payload:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            for cookie in reply.cookies:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return _Handler


def utc_now() -> datetime:
    """Now, in UTC (one place, so a stand-in's clock is easy to follow)."""
    return datetime.now(UTC)
