"""BuildOps stand-in: ``/v1`` public API with token auth and a ``tenantId`` header.

Follows the reference facts (BuildOps docs are gated; the shapes come from
public connectors and are marked [I] where inferred): ``POST /v1/auth/token``
with ``{clientId, clientSecret, tenantId}`` → ``{access_token, expires_in}``;
every call carries ``Authorization: Bearer`` and ``tenantId``; lists take
``page`` (1-based) and ``limit`` (or ``page_size``) and answer
``{items, totalCount}``; ``updatedAfter`` (ISO) filters on
``audit.lastUpdatedDateTime``; ``PUT /v1/{resource}/{id}`` needs the record's
current ``version`` (optimistic locking: 409 when stale).

Seeded from canonical frames: customer → customer (billing address in
``addresses.items``), each distinct job address → property, job, invoice (+
lines as ``invoiceItems``). Ids are UUIDs derived from the canonical ids
(:meth:`BuildOpsStandIn.id_for`).
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from pixissync.sandbox.rest.base import Reply, Request, StandIn, utc_now

RESOURCES = ("customers", "properties", "jobs", "invoices")
INVOICE_STATUSES = frozenset({"Draft", "Posted", "Exported", "Paid", "Void"})
_NS = uuid.UUID("6f0f4b52-8c1e-4d83-9d39-0d2d3c1e0b55")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _audit(value: Any) -> dict[str, Any]:
    return {"lastUpdatedDateTime": _iso(value) or utc_now().isoformat()}


class BuildOpsStandIn(StandIn):
    """A loopback BuildOps tenant.

    Args:
        frames: canonical frames to seed from (any subset).
        client_id, client_secret, tenant_id: the credentials accepted.
        token_ttl: seconds an access token lives.
    """

    system = "buildops"

    def __init__(
        self,
        frames: Mapping[str, pl.DataFrame] | None = None,
        *,
        client_id: str = "pixis",
        client_secret: str = "sandbox-secret",
        tenant_id: str = "tenant-1",
        token_ttl: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.credentials = (client_id, client_secret, tenant_id)
        self.token_ttl = token_ttl
        self.clock = clock
        self.tokens: dict[str, float] = {}
        self.logins = 0
        self.records: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in RESOURCES}
        self.route("POST", "/v1/auth/token", self._token)
        names = "|".join(RESOURCES)
        self.route("GET", f"/v1/(?P<resource>{names})", self._list)
        self.route("GET", f"/v1/(?P<resource>{names})/(?P<id>[^/]+)", self._get)
        self.route("PUT", f"/v1/(?P<resource>{names})/(?P<id>[^/]+)", self._put)
        if frames:
            self.seed(frames)

    @staticmethod
    def id_for(entity: str, canonical_id: Any) -> str:
        """The BuildOps UUID of a seeded record."""
        return str(uuid.uuid5(_NS, f"{entity}:{canonical_id}"))

    def seed(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Load canonical frames into BuildOps-shaped records."""

        def rows(entity: str) -> list[dict[str, Any]]:
            frame = frames.get(entity)
            return [] if frame is None else frame.to_dicts()

        def ref(entity: str, value: Any) -> str | None:
            return None if value in (None, "") else self.id_for(entity, value)

        for n, r in enumerate(rows("customer"), start=1):
            cid = self.id_for("customer", r["customer_id"])
            self.records["customers"][cid] = {
                "id": cid,
                "name": r.get("name"),
                "accountNumber": f"A{n:05d}",
                "phonePrimary": r.get("phone"),
                "email": r.get("email"),
                "status": r.get("status") or "active",
                "isActive": (r.get("status") or "active") == "active",
                "addresses": {
                    "items": [
                        {
                            "addressType": "billingAddress",
                            "addressLine1": r.get("address1"),
                            "addressLine2": r.get("address2"),
                            "city": r.get("city"),
                            "state": r.get("state"),
                            "zipcode": r.get("postal_code"),
                        }
                    ]
                },
                "version": 1,
                "audit": _audit(r.get("updated_at")),
            }
        for r in rows("job"):
            site = (r.get("customer_id"), r.get("address1"), r.get("postal_code"))
            pid = self.id_for("property", "|".join(str(x) for x in site))
            self.records["properties"].setdefault(
                pid,
                {
                    "id": pid,
                    "customerId": ref("customer", r.get("customer_id")),
                    "propertyName": r.get("address1"),
                    "address": {
                        "addressLine1": r.get("address1"),
                        "city": r.get("city"),
                        "state": r.get("state"),
                        "zipcode": r.get("postal_code"),
                    },
                    "version": 1,
                    "audit": _audit(r.get("updated_at")),
                },
            )
            jid = self.id_for("job", r["job_id"])
            self.records["jobs"][jid] = {
                "id": jid,
                "jobNumber": r.get("job_number"),
                "customerProvidedName": r.get("name"),
                "status": r.get("status"),
                "customerId": ref("customer", r.get("customer_id")),
                "customerPropertyId": pid,
                "version": 1,
                "audit": _audit(r.get("updated_at")),
            }
        items: dict[str, list[dict[str, Any]]] = {}
        for r in sorted(rows("invoice_line"), key=lambda r: (r["invoice_id"], r["line_no"])):
            items.setdefault(r["invoice_id"], []).append(
                {
                    "lineNumber": r["line_no"],
                    "description": r.get("description"),
                    "quantity": r.get("quantity"),
                    "unitPrice": r.get("unit_price"),
                    "amount": r.get("amount"),
                    "costCode": r.get("cost_code"),
                    "ledgerAccount": r.get("gl_account"),
                }
            )
        for r in rows("invoice"):
            iid = self.id_for("invoice", r["invoice_id"])
            self.records["invoices"][iid] = {
                "id": iid,
                "invoiceNumber": r.get("invoice_number"),
                "customerId": ref("customer", r.get("customer_id")),
                "jobId": ref("job", r.get("job_id")),
                "issuedDate": _iso(r.get("invoice_date")),
                "dueDate": _iso(r.get("due_date")),
                "subtotal": r.get("subtotal"),
                "taxAmount": r.get("tax"),
                "totalAmount": r.get("total"),
                "balance": r.get("balance"),
                "status": "Paid" if r.get("balance") == 0 else "Posted",
                "invoiceItems": {"items": items.get(r["invoice_id"], [])},
                "version": 1,
                "audit": _audit(r.get("updated_at")),
            }

    def touch(self, resource: str, record_id: str, **changes: Any) -> None:
        """Change a record as a user would: new version, new audit time."""
        with self.lock:
            record = self.records[resource][record_id]
            record.update(changes)
            record["version"] += 1
            record["audit"] = _audit(None)

    def expire_sessions(self) -> None:
        """Every access token expires now."""
        with self.lock:
            self.tokens.clear()

    # handlers --------------------------------------------------------------------
    def _token(self, req: Request) -> Reply:
        body = req.body if isinstance(req.body, dict) else {}
        given = (body.get("clientId"), body.get("clientSecret"), body.get("tenantId"))
        if given != self.credentials:
            return Reply(401, {"message": "Invalid client credentials"})
        token = secrets.token_hex(20)
        self.tokens[token] = self.clock() + self.token_ttl
        self.logins += 1
        return Reply(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}
        )

    def _gate(self, req: Request) -> Reply | None:
        auth = req.header("Authorization") or ""
        exp = self.tokens.get(auth.removeprefix("Bearer "))
        if exp is None or exp <= self.clock():
            return Reply(401, {"message": "Unauthorized"})
        if req.header("tenantId") != self.credentials[2]:
            return Reply(403, {"message": "tenantId header missing or not allowed for this token"})
        return None

    def _list(self, req: Request) -> Reply:
        refused = self._gate(req)
        if refused:
            return refused
        q = req.query
        try:
            page = max(int(q.get("page", "1")), 1)
            limit = min(max(int(q.get("limit") or q.get("page_size") or "100"), 1), 1000)
            after = (
                datetime.fromisoformat(q["updatedAfter"].replace("Z", "+00:00"))
                if q.get("updatedAfter")
                else None
            )
        except ValueError as exc:
            return Reply(400, {"message": f"Invalid query parameter: {exc}"})
        rows = list(self.records[req.match["resource"]].values())
        if after is not None:
            if after.tzinfo is None:
                after = after.replace(tzinfo=UTC)
            rows = [
                r for r in rows if datetime.fromisoformat(r["audit"]["lastUpdatedDateTime"]) > after
            ]
        chunk = rows[(page - 1) * limit : page * limit]
        return Reply(200, {"items": chunk, "totalCount": len(rows)})

    def _get(self, req: Request) -> Reply:
        refused = self._gate(req)
        if refused:
            return refused
        record = self.records[req.match["resource"]].get(req.match["id"])
        if record is None:
            return Reply(404, {"message": f"{req.match['resource']} {req.match['id']} not found"})
        return Reply(200, record)

    def _put(self, req: Request) -> Reply:
        refused = self._gate(req)
        if refused:
            return refused
        resource = req.match["resource"]
        record = self.records[resource].get(req.match["id"])
        if record is None:
            return Reply(404, {"message": f"{resource} {req.match['id']} not found"})
        body = req.body if isinstance(req.body, dict) else {}
        if "version" not in body:
            return Reply(400, {"message": "version is required"})
        if int(body["version"]) != record["version"]:
            return Reply(
                409,
                {
                    "message": f"Version conflict: {resource} {record['id']} is at version "
                    f"{record['version']}, not {body['version']}"
                },
            )
        status = body.get("status")
        if resource == "invoices" and status is not None and status not in INVOICE_STATUSES:
            return Reply(400, {"message": f"status must be one of {sorted(INVOICE_STATUSES)}"})
        changes = {k: v for k, v in body.items() if k not in ("id", "version", "audit")}
        if any(record.get(k) != v for k, v in changes.items()):
            record.update(changes)
            record["version"] += 1
            record["audit"] = _audit(None)
        return Reply(200, record)
