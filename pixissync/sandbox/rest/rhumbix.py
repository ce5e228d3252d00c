"""Rhumbix stand-in: ``/v1/{resource}/`` with ``x-api-key``, ``{results, next}`` paging.

Follows the reference facts: a static key in ``x-api-key`` (403 otherwise,
Django REST framework style ``{"detail": ...}``); ``page_size`` and an absolute
``next`` URL; ``last_updated`` (ISO, "updated at or after"), ``start_date``/
``end_date`` on ``shift_date``; deleted timekeeping entries are hidden unless
``include_deleted=true`` and are also listed at ``/deleted_timekeeping_entries/``.

Seeded from canonical frames: time_entry → timekeeping entries (hours as
minutes), job → projects, employee → employees, cost_code → cost codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import polars as pl

from pixissync.sandbox.rest.base import Reply, Request, StandIn, utc_now

RESOURCES = (
    "timekeeping_entries",
    "deleted_timekeeping_entries",
    "projects",
    "employees",
    "cost_codes",
)


def _minutes(hours: Decimal | None) -> int:
    return 0 if hours is None else int((hours * 60).to_integral_value())


def _stamp(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return utc_now().isoformat().replace("+00:00", "Z")


def _parse(value: str) -> datetime:
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


class RhumbixStandIn(StandIn):
    """A loopback Rhumbix public API.

    Args:
        frames: canonical frames to seed from (any subset).
        api_key: the key accepted in ``x-api-key``.
    """

    system = "rhumbix"

    def __init__(
        self, frames: Mapping[str, pl.DataFrame] | None = None, *, api_key: str = "sandbox-key"
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.records: dict[str, list[dict[str, Any]]] = {
            "timekeeping_entries": [],
            "projects": [],
            "employees": [],
            "cost_codes": [],
        }
        self.route("GET", f"/v1/(?P<resource>{'|'.join(RESOURCES)})/", self._list)
        if frames:
            self.seed(frames)

    def seed(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Load canonical frames into Rhumbix-shaped records."""

        def rows(entity: str) -> list[dict[str, Any]]:
            frame = frames.get(entity)
            return [] if frame is None else frame.to_dicts()

        for r in rows("time_entry"):
            start = datetime.combine(r["work_date"], time(7, 0), UTC)
            self.records["timekeeping_entries"].append(
                {
                    "id": r["entry_id"],
                    "work_shift_key": f"{r['employee_id']}:{r['work_date']}",
                    "shift_date": r["work_date"].isoformat(),
                    "job_number": r.get("job_number") or r.get("job_id"),
                    "cost_code": r.get("cost_code"),
                    "employee": r.get("employee_id"),
                    "foreman": None,
                    "status": "SIGNED" if r.get("approved") else "PENDING",
                    "is_approved": bool(r.get("approved")),
                    "standard_time_minutes": _minutes(r.get("regular_hours")),
                    "over_time_minutes": _minutes(r.get("overtime_hours")),
                    "double_time_minutes": _minutes(r.get("doubletime_hours")),
                    "start_time": start.isoformat(),
                    "end_time": None,
                    "timezone": "America/New_York",
                    "deleted_on": None,
                    "last_updated": _stamp(r.get("updated_at")),
                }
            )
        for r in rows("job"):
            self.records["projects"].append(
                {
                    "job_number": r.get("job_number") or r["job_id"],
                    "name": r.get("name"),
                    "status": "ACTIVE"
                    if r.get("status") not in ("closed", "canceled")
                    else "INACTIVE",
                    "address": r.get("address1"),
                    "city": r.get("city"),
                    "state": r.get("state"),
                    "zip_code": r.get("postal_code"),
                    "last_updated": _stamp(r.get("updated_at")),
                }
            )
        for r in rows("employee"):
            self.records["employees"].append(
                {
                    "company_supplied_id": r["employee_id"],
                    "first_name": r.get("first_name"),
                    "last_name": r.get("last_name"),
                    "is_active": (r.get("status") or "active") == "active",
                    "last_updated": _stamp(r.get("updated_at")),
                }
            )
        for r in rows("cost_code"):
            self.records["cost_codes"].append(
                {
                    "code": r["cost_code"],
                    "description": r.get("description"),
                    "job": None,
                    "last_updated": _stamp(r.get("updated_at")),
                }
            )

    def touch(self, resource: str, record: dict[str, Any], **changes: Any) -> None:
        """Change a record as a foreman would; ``last_updated`` moves to now."""
        with self.lock:
            record.update(changes)
            record["last_updated"] = _stamp(None)

    def delete_entry(self, entry_id: str) -> None:
        """Soft-delete a timekeeping entry, as Rhumbix does."""
        with self.lock:
            for record in self.records["timekeeping_entries"]:
                if record["id"] == entry_id:
                    record["deleted_on"] = _stamp(None)
                    record["last_updated"] = record["deleted_on"]

    def _list(self, req: Request) -> Reply:
        if req.header("x-api-key") != self.api_key:
            return Reply(403, {"detail": "Invalid API key."})
        resource = req.match["resource"]
        q = req.query
        try:
            size = min(max(int(q.get("page_size", "100")), 1), 1000)
            page = max(int(q.get("page", "1")), 1)
            since = _parse(q["last_updated"]) if q.get("last_updated") else None
        except ValueError as exc:
            return Reply(400, {"detail": f"Invalid query parameter: {exc}"})
        if resource == "deleted_timekeeping_entries":
            rows = [r for r in self.records["timekeeping_entries"] if r["deleted_on"]]
        else:
            rows = list(self.records[resource])
            if resource == "timekeeping_entries" and q.get("include_deleted") != "true":
                rows = [r for r in rows if not r["deleted_on"]]
        if since is not None:
            rows = [r for r in rows if _parse(r["last_updated"]) >= since]
        if q.get("start_date") and resource.endswith("timekeeping_entries"):
            rows = [r for r in rows if r["shift_date"] >= q["start_date"]]
        if q.get("end_date") and resource.endswith("timekeeping_entries"):
            rows = [r for r in rows if r["shift_date"] <= q["end_date"]]
        chunk = rows[(page - 1) * size : page * size]
        here = f"http://{req.header('Host')}{req.path}?"
        link = here + urlencode({**q, "page": page + 1}) if page * size < len(rows) else None
        previous = here + urlencode({**q, "page": page - 1}) if page > 1 else None
        return Reply(
            200, {"count": len(rows), "next": link, "previous": previous, "results": chunk}
        )
