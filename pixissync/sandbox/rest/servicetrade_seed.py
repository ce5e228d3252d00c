"""ServiceTrade stand-in: canonical frames → ServiceTrade-shaped records.

customer → company; each distinct (customer, job address) → a location (the
job site); job; invoice + invoice_line → invoice with ``items``; payment +
payment_application → payment; time_entry → clock event (clock-in 08:00 UTC).
Numeric canonical ids are kept; others get new integer ids (:meth:`id_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import polars as pl

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


class ServiceTradeSeeding:
    """Seeding and id mapping, mixed into the stand-in."""

    records: dict[str, dict[int, dict[str, Any]]]
    clock: Callable[[], float]

    def _init_ids(self) -> None:
        self._ids: dict[str, dict[str, int]] = {}
        self._next = 1000

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


def _rows(frames: Mapping[str, pl.DataFrame], entity: str) -> list[dict[str, Any]]:
    frame = frames.get(entity)
    return [] if frame is None else frame.to_dicts()
