"""A receiver for ServiceTrade webhooks that queues incremental pulls for the worker.

ServiceTrade posts entity events (job, company, location, invoice changes) with
ids only and no signature, tries three times with a 5-second timeout. So:

* the secret is in the URL (``/webhooks/servicetrade/<secret>``) and compared in
  constant time; a wrong one answers 404, as if nothing were there;
* the answer is immediate: the event only *queues* an incremental pull of the
  affected flow, which the worker runs from its stored watermark;
* duplicate and out-of-order deliveries are harmless: a flow already queued is
  not queued twice, and the pull reads the current state, not the event.

The payload shape is read tolerantly (``{"data": [...]}``, a list, or one event;
entity type and id under ``entityType``/``entityId``, ``entity.type``/``entity.id``
or ``type``/``id``) because the public description lists only its content [I].
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# ServiceTrade entity -> the flows whose incremental pull would see the change.
FLOWS_BY_ENTITY: dict[str, tuple[str, ...]] = {
    "company": ("customers",),
    "location": ("customers", "jobs"),  # a location is a job site: jobs carry its address
    "job": ("jobs",),
    "invoice": ("invoices",),
    "clock": ("time",),
    "clockevent": ("time",),
}


class PullQueue:
    """Flows waiting for an incremental pull; each flow at most once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, datetime] = {}
        self.events = 0

    def add(self, flow: str) -> None:
        """Queue a pull of ``flow`` unless one is already waiting."""
        with self._lock:
            self._pending.setdefault(flow, datetime.now(UTC))

    def take(self) -> list[str]:
        """The flows to pull now, oldest first; the queue is emptied."""
        with self._lock:
            flows = sorted(self._pending, key=self._pending.__getitem__)
            self._pending.clear()
            return flows

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)


def events_of(body: Any) -> list[tuple[str, str | None]]:
    """``(entity type, id)`` pairs from a webhook body, whatever its envelope."""
    items: Iterable[Any]
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        items = body["data"]
    elif isinstance(body, list):
        items = body
    else:
        items = [body]
    found: list[tuple[str, str | None]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        raw_entity = item.get("entity")
        entity: dict[str, Any] = raw_entity if isinstance(raw_entity, dict) else {}
        kind = item.get("entityType") or entity.get("type") or item.get("type")
        ident = item.get("entityId") or entity.get("id") or item.get("id")
        if kind:
            found.append((str(kind).lower(), None if ident is None else str(ident)))
    return found


class WebhookReceiver:
    """An HTTP endpoint for ServiceTrade's webhooks.

    Args:
        secret: the URL secret (from the environment or keyring; never logged).
        queue: where the affected flows are queued.
        host, port: where to listen.
    """

    def __init__(
        self, secret: str, queue: PullQueue, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the webhook secret must be at least 16 characters")
        self._path = f"/webhooks/servicetrade/{secret}".encode()
        self.queue = queue
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url_without_secret(self) -> str:
        """``http://host:port/webhooks/servicetrade/`` (append the secret)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhooks/servicetrade/"

    def accepts(self, path: str) -> bool:
        """Whether ``path`` carries the secret (constant-time comparison)."""
        return hmac.compare_digest(path.split("?", 1)[0].encode(), self._path)

    def handle(self, body: bytes) -> int:
        """Queue the flows an event body affects; return how many events it held."""
        try:
            events = events_of(json.loads(body or b"null"))
        except ValueError:
            return 0
        for kind, _ in events:
            for flow in FLOWS_BY_ENTITY.get(kind, ()):
                self.queue.add(flow)
        self.queue.events += len(events)
        return len(events)

    def start(self) -> WebhookReceiver:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="servicetrade-webhooks",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return  # the URL holds the secret: never log request lines

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not receiver.accepts(self.path):
                    self._answer(404)
                    return
                receiver.handle(body)
                self._answer(200)

            def do_GET(self) -> None:
                self._answer(404)

        return _Handler
