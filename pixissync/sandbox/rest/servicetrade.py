"""ServiceTrade stand-in: ``/api`` resources in ServiceTrade's own shapes.

Follows the reference facts: session login at ``POST /api/auth`` (``PHPSESSID``
cookie, ``DELETE`` ends it) and OAuth2 at ``/api/oauth2/token`` (form-encoded,
JWT access tokens with ``exp``) so the official ``servicetrade`` SDK works
against it unchanged; ``{"messages": {}, "data": {...}}`` envelopes; lists
under ``data.<plural>`` with ``page``/``totalPages`` and per-resource ``limit``
maxima; ``/job`` shows only *scheduled* jobs unless ``status`` is given
(``status=all``); ``updatedAfter``/``updatedBefore`` in Unix seconds;
``PUT /invoice/{id}`` with ``status`` for AR write-back; ``POST /payment``.

Seeded from canonical frames: customer → company, each distinct job address →
location (the job site), job, invoice + invoice_line → invoice with ``items``,
payment + payment_application → payment, time_entry → clock event.
"""

from __future__ import annotations

import base64
import json
import math
import secrets
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from pixissync.sandbox.rest.base import Reply, Request, StandIn
from pixissync.sandbox.rest.servicetrade_seed import RESOURCES, ServiceTradeSeeding

INVOICE_STATUSES = frozenset(
    {"ok", "internal_review", "pending_accounting", "processed", "paid", "sent", "failed", "void"}
)


def _jwt(claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sig"


def _envelope(data: Any) -> dict[str, Any]:
    return {"messages": {}, "data": data}


def _error(status: int, message: str) -> Reply:
    return Reply(status, {"messages": {"error": [message]}, "data": None})


class ServiceTradeStandIn(ServiceTradeSeeding, StandIn):
    """A loopback ServiceTrade API.

    Args:
        frames: canonical frames by entity name to seed from (any subset).
        username, password: the session login accepted at ``POST /api/auth``.
        client_id, client_secret: the OAuth2 client accepted at ``/api/oauth2/token``.
        token_ttl: seconds an OAuth2 access token lives.
        clock: the server's clock (Unix seconds), for expiry and ``updated``.
    """

    system = "servicetrade"

    def __init__(
        self,
        frames: Mapping[str, pl.DataFrame] | None = None,
        *,
        username: str = "pixis",
        password: str = "sandbox-password",
        client_id: str = "pixis-client",
        client_secret: str = "sandbox-secret",
        token_ttl: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.users = {username: password}
        self.clients = {client_id: client_secret}
        self.token_ttl = token_ttl
        self.clock = clock
        self.sessions: set[str] = set()
        self.tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.logins = 0
        self.records: dict[str, dict[int, dict[str, Any]]] = {r: {} for r in RESOURCES}
        self._init_ids()
        self._routes_setup()
        if frames:
            self.seed(frames)

    def touch(self, resource: str, record_id: int, **changes: Any) -> None:
        """Change a record as a user would, stamping ``updated`` with the server clock."""
        with self.lock:
            record = self.records[resource][record_id]
            record.update(changes)
            record["updated"] = int(self.clock())

    def expire_sessions(self) -> None:
        """Every session and access token idles out now (the next call answers 401)."""
        with self.lock:
            self.sessions.clear()
            self.tokens.clear()

    # routes ------------------------------------------------------------------
    def _routes_setup(self) -> None:
        self.route("POST", "/api/auth", self._login)
        self.route("DELETE", "/api/auth", self._logout)
        self.route("POST", "/api/oauth2/token", self._token)
        self.route("POST", "/api/oauth2/revoke", self._revoke)
        names = "|".join(RESOURCES)
        self.route("GET", f"/api/(?P<resource>{names})", self._list)
        self.route("GET", f"/api/(?P<resource>{names})/(?P<id>\\d+)", self._get)
        self.route("PUT", "/api/invoice/(?P<id>\\d+)", self._put_invoice)
        self.route("POST", "/api/payment", self._post_payment)

    def _login(self, req: Request) -> Reply:
        body = req.body if isinstance(req.body, dict) else {}
        if self.users.get(str(body.get("username"))) != body.get("password"):
            return _error(403, "Invalid username or password")
        sid = secrets.token_hex(16)
        self.sessions.add(sid)
        self.logins += 1
        return Reply(
            200,
            _envelope({"authToken": sid, "user": {"username": body["username"]}}),
            {"Set-Cookie": f"PHPSESSID={sid}; path=/; HttpOnly"},
        )

    def _logout(self, req: Request) -> Reply:
        self.sessions.discard(_cookie(req, "PHPSESSID") or "")
        return Reply(204)

    def _token(self, req: Request) -> Reply:
        form = req.body if isinstance(req.body, dict) else {}
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if self.clients.get(str(form.get("client_id"))) != form.get("client_secret"):
                return Reply(401, {"error": "invalid_client"})
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return Reply(400, {"error": "invalid_grant"})
            self.refresh_tokens.discard(str(form["refresh_token"]))
        else:
            return Reply(400, {"error": "unsupported_grant_type"})
        exp = self.clock() + self.token_ttl
        token = _jwt({"exp": int(exp), "jti": secrets.token_hex(8)})
        refresh = secrets.token_hex(16)
        self.tokens[token] = exp
        self.refresh_tokens.add(refresh)
        self.logins += 1
        return Reply(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.token_ttl,
                "refresh_token": refresh,
            },
        )

    def _revoke(self, req: Request) -> Reply:
        form = req.body if isinstance(req.body, dict) else {}
        self.refresh_tokens.discard(str(form.get("token")))
        return Reply(200, {})

    def _authorized(self, req: Request) -> bool:
        auth = req.header("Authorization") or ""
        if auth.startswith("Bearer "):
            exp = self.tokens.get(auth[7:])
            return exp is not None and exp > self.clock()
        return (_cookie(req, "PHPSESSID") or "") in self.sessions

    def _list(self, req: Request) -> Reply:
        if not self._authorized(req):
            return _error(401, "Authentication required")
        resource = req.match["resource"]
        key, max_limit = RESOURCES[resource]
        q = req.query
        try:
            page = max(int(q.get("page", "1")), 1)
            limit = min(max(int(q.get("limit", "100")), 1), max_limit)
            after = int(q["updatedAfter"]) if q.get("updatedAfter") else None
            before = int(q["updatedBefore"]) if q.get("updatedBefore") else None
        except ValueError as exc:
            return _error(400, f"bad query parameter: {exc}")
        records = list(self.records[resource].values())
        if resource == "job":
            # The real API's default: only scheduled jobs unless a status is asked for.
            status = q.get("status", "scheduled")
            if status != "all":
                wanted = set(status.split(","))
                records = [r for r in records if r["status"] in wanted]
        if after is not None:
            records = [r for r in records if r["updated"] > after]
        if before is not None:
            records = [r for r in records if r["updated"] < before]
        if resource == "payment" and q.get("externalId"):
            records = [r for r in records if r.get("externalId") == q["externalId"]]
        if resource == "payment" and q.get("invoiceId"):
            records = [r for r in records if str(r["invoice"]["id"]) == q["invoiceId"]]
        records.sort(key=lambda r: r["id"])
        total_pages = max(math.ceil(len(records) / limit), 1)
        chunk = records[(page - 1) * limit : page * limit]
        return Reply(
            200,
            _envelope(
                {"totalPages": total_pages, "page": page, "totalItems": len(records), key: chunk}
            ),
        )

    def _get(self, req: Request) -> Reply:
        if not self._authorized(req):
            return _error(401, "Authentication required")
        record = self.records[req.match["resource"]].get(int(req.match["id"]))
        if record is None:
            return _error(404, f"{req.match['resource']} {req.match['id']} not found")
        return Reply(200, _envelope(record))

    def _put_invoice(self, req: Request) -> Reply:
        if not self._authorized(req):
            return _error(401, "Authentication required")
        record = self.records["invoice"].get(int(req.match["id"]))
        if record is None:
            return _error(404, f"invoice {req.match['id']} not found")
        body = req.body if isinstance(req.body, dict) else {}
        status = body.get("status")
        if status is not None and status not in INVOICE_STATUSES:
            return _error(400, f"status must be one of {', '.join(sorted(INVOICE_STATUSES))}")
        if status is not None and record["status"] == "void":
            return _error(400, "a void invoice cannot change status")
        if status is not None and status != record["status"]:
            record["status"] = status
            if status == "paid":
                record["balance"] = Decimal("0.00")
            record["updated"] = int(self.clock())
        return Reply(200, _envelope(record))

    def _post_payment(self, req: Request) -> Reply:
        if not self._authorized(req):
            return _error(401, "Authentication required")
        body = req.body if isinstance(req.body, dict) else {}
        invoice = self.records["invoice"].get(int(body.get("invoiceId") or 0))
        if invoice is None:
            return _error(400, f"invoiceId {body.get('invoiceId')!r} is not a known invoice")
        try:
            amount = Decimal(str(body["amount"]))
        except (KeyError, ArithmeticError):
            return _error(400, "amount is required and must be a number")
        pid = self._new_id()
        now = int(self.clock())
        self.records["payment"][pid] = {
            "id": pid,
            "customer": dict(invoice["customer"]),
            "invoice": {"id": invoice["id"], "invoiceNumber": invoice["invoiceNumber"]},
            "applications": [{"invoiceId": invoice["id"], "amount": amount}],
            "amount": amount,
            "paymentDate": body.get("paymentDate"),
            "referenceNumber": body.get("referenceNumber"),
            "method": body.get("method"),
            "externalId": body.get("externalId"),
            "created": now,
            "updated": now,
        }
        return Reply(200, _envelope(self.records["payment"][pid]))


def _cookie(req: Request, name: str) -> str | None:
    for part in (req.header("Cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
