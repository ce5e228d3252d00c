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
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import polars as pl

from pixissync.sandbox.rest.base import Reply, Request, StandIn

INVOICE_STATUSES = frozenset(
    {"ok", "internal_review", "pending_accounting", "processed", "paid", "sent", "failed", "void"}
)
# resource -> (list key, max limit)
RESOURCES: dict[str, tuple[str, int]] = {
    "company": ("companies", 2000),
    "location": ("locations", 5000),
    "job": ("jobs", 2000),
    "invoice": ("invoices", 2000),
    "payment": ("payments", 2000),
    "clock": ("clockEvents", 2000),
}


def _unix(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    return int(datetime.combine(value, dtime(0), UTC).timestamp())


def _jwt(claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sig"


def _envelope(data: Any) -> dict[str, Any]:
    return {"messages": {}, "data": data}


def _error(status: int, message: str) -> Reply:
    return Reply(status, {"messages": {"error": [message]}, "data": None})


class ServiceTradeStandIn(StandIn):
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
        self._ids: dict[str, dict[str, int]] = {}
        self._next = 1000
        self._routes_setup()
        if frames:
            self.seed(frames)

    # ids ---------------------------------------------------------------------
    def id_for(self, entity: str, canonical_id: Any) -> int:
        """The ServiceTrade id of a seeded record (numeric ids are kept as they are)."""
        key = str(canonical_id)
        table = self._ids.setdefault(entity, {})
        if key not in table:
            table[key] = int(key) if key.isdigit() else self._new_id()
        return table[key]

    def _ref(self, entity: str, canonical_id: Any) -> int | None:
        return None if canonical_id in (None, "") else self.id_for(entity, canonical_id)

    def _new_id(self) -> int:
        self._next += 1
        while any(self._next in recs for recs in self.records.values()):
            self._next += 1
        return self._next

    # seeding -----------------------------------------------------------------
    def seed(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Load canonical frames into ServiceTrade-shaped records."""
        now = int(self.clock())
        companies = self.records["company"]
        for row in _rows(frames, "customer"):
            company_id = self.id_for("customer", row["customer_id"])
            companies[company_id] = {
                "id": company_id,
                "name": row.get("name"),
                "status": row.get("status") or "active",
                "address": {
                    "street": row.get("address1"),
                    "street2": row.get("address2"),
                    "city": row.get("city"),
                    "state": row.get("state"),
                    "postalCode": row.get("postal_code"),
                },
                "phoneNumber": row.get("phone"),
                "email": row.get("email"),
                "created": _unix(row.get("updated_at")) or now,
                "updated": _unix(row.get("updated_at")) or now,
            }
        sites: dict[tuple[Any, ...], int] = {}
        for row in _rows(frames, "job"):
            jid = self.id_for("job", row["job_id"])
            cid = self._ref("customer", row.get("customer_id"))
            site_key = (cid, row.get("address1"), row.get("city"), row.get("postal_code"))
            address = {
                "street": row.get("address1"),
                "city": row.get("city"),
                "state": row.get("state"),
                "postalCode": row.get("postal_code"),
            }
            if site_key not in sites:
                lid = self._new_id()
                sites[site_key] = lid
                company = companies.get(cid) if cid is not None else None
                self.records["location"][lid] = {
                    "id": lid,
                    "name": row.get("address1") or row.get("name"),
                    "address": address,
                    "companyId": cid,
                    "company": {"id": cid, "name": company["name"] if company else None},
                    "phoneNumber": None,
                    "email": None,
                    "status": "active",
                    "created": _unix(row.get("updated_at")) or now,
                    "updated": _unix(row.get("updated_at")) or now,
                }
            lid = sites[site_key]
            self.records["job"][jid] = {
                "id": jid,
                "number": row.get("job_number"),
                "name": row.get("name"),
                "status": row.get("status") or "scheduled",
                "type": "repair",
                "customer": {
                    "id": cid,
                    "name": (companies.get(cid) or {}).get("name") if cid else None,
                },
                "location": {"id": lid, "name": address["street"], "address": address},
                "created": _unix(row.get("updated_at")) or now,
                "updated": _unix(row.get("updated_at")) or now,
            }
        self._seed_invoices(frames, now)
        self._seed_payments(frames, now)
        self._seed_clock(frames, now)

    def _seed_invoices(self, frames: Mapping[str, pl.DataFrame], now: int) -> None:
        items: dict[str, list[dict[str, Any]]] = {}
        lines = sorted(_rows(frames, "invoice_line"), key=lambda r: (r["invoice_id"], r["line_no"]))
        for row in lines:
            items.setdefault(str(row["invoice_id"]), []).append(
                {
                    "id": self._new_id(),
                    "description": row.get("description"),
                    "quantity": row.get("quantity"),
                    "price": row.get("unit_price"),
                    "totalPrice": row.get("amount"),
                    "serviceLine": {"code": row.get("cost_code")},
                    "glAccount": row.get("gl_account"),
                }
            )
        for row in _rows(frames, "invoice"):
            iid = self.id_for("invoice", row["invoice_id"])
            jid = self._ref("job", row.get("job_id"))
            cid = self._ref("customer", row.get("customer_id"))
            self.records["invoice"][iid] = {
                "id": iid,
                "invoiceNumber": row.get("invoice_number"),
                "type": "invoice",
                "status": row.get("status") or "ok",
                "customer": {"id": cid},
                "job": {"id": jid, "number": self.records["job"].get(jid or -1, {}).get("number")},
                "transactionDate": _unix(row.get("invoice_date")),
                "dueDate": _unix(row.get("due_date")),
                "subtotal": row.get("subtotal"),
                "totalTax": row.get("tax"),
                "totalPrice": row.get("total"),
                "balance": row.get("balance"),
                "items": items.get(str(row["invoice_id"]), []),
                "created": _unix(row.get("updated_at")) or now,
                "updated": _unix(row.get("updated_at")) or now,
            }

    def _seed_payments(self, frames: Mapping[str, pl.DataFrame], now: int) -> None:
        applied: dict[str, list[dict[str, Any]]] = {}
        for row in _rows(frames, "payment_application"):
            applied.setdefault(str(row["payment_id"]), []).append(
                {"invoiceId": self.id_for("invoice", row["invoice_id"]), "amount": row["amount"]}
            )
        for row in _rows(frames, "payment"):
            pid = self.id_for("payment", row["payment_id"])
            apps = applied.get(str(row["payment_id"]), [])
            first = apps[0]["invoiceId"] if apps else None
            invoice = self.records["invoice"].get(first or -1, {})
            cid = self._ref("customer", row.get("customer_id"))
            self.records["payment"][pid] = {
                "id": pid,
                "customer": {"id": cid},
                "invoice": {"id": first, "invoiceNumber": invoice.get("invoiceNumber")},
                "applications": apps,
                "amount": row.get("amount"),
                "paymentDate": _unix(row.get("payment_date")),
                "referenceNumber": row.get("reference"),
                "method": row.get("method"),
                "externalId": row.get("external_ref"),
                "created": _unix(row.get("updated_at")) or now,
                "updated": _unix(row.get("updated_at")) or now,
            }

    def _seed_clock(self, frames: Mapping[str, pl.DataFrame], now: int) -> None:
        for row in _rows(frames, "time_entry"):
            eid = self.id_for("time_entry", row["entry_id"])
            hours = sum(
                (row.get(c) or Decimal(0))
                for c in ("regular_hours", "overtime_hours", "doubletime_hours")
            )
            start = datetime.combine(row["work_date"], dtime(8, 0), UTC)
            jid = self._ref("job", row.get("job_id"))
            self.records["clock"][eid] = {
                "id": eid,
                "user": {"id": row.get("employee_id")},
                "job": {"id": jid, "number": row.get("job_number")},
                "clockIn": int(start.timestamp()),
                "clockOut": int((start + timedelta(seconds=int(hours * 3600))).timestamp()),
                "activity": "onsite",
                "created": _unix(row.get("updated_at")) or now,
                "updated": _unix(row.get("updated_at")) or now,
            }

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


def _rows(frames: Mapping[str, pl.DataFrame], entity: str) -> list[dict[str, Any]]:
    frame = frames.get(entity)
    return [] if frame is None else frame.to_dicts()
