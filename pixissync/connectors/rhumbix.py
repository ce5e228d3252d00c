"""Rhumbix: pull timekeeping entries (with deletions), projects, employees, cost codes.

Read-only (Rhumbix is the field-time source). Auth is a static ``x-api-key``;
lists answer ``{results, next}`` and we follow ``next`` until it is null;
incremental pulls pass ``last_updated`` (ISO 8601, UTC).

Mapping: a timekeeping entry → ``time_entry`` with minutes turned into exact
hours (``standard_time_minutes / 60`` to the hundredth, so 440 minutes is
7.33 h); ``job_number`` is both ``job_id`` and ``job_number`` (Rhumbix keys
projects by job number); ``employee`` is the company-supplied employee id.
Entries deleted in Rhumbix are asked for with ``include_deleted=true`` and are
*not* returned as time entries: they are kept in ``self.deleted`` (``entry_id``,
``deleted_at``) so the time flow can withdraw what it had not yet posted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

import httpx
import polars as pl

from pixissync.connectors.base import Change, PushResult
from pixissync.connectors.http.auth import ApiKeyAuth
from pixissync.connectors.http.base import RestConnector
from pixissync.connectors.http.client import RestClient, RetryPolicy
from pixissync.connectors.http.paging import NextUrlPaginator
from pixissync.errors import PermanentError

Row = dict[str, Any]
_HUNDREDTH = Decimal("0.01")


def minutes_to_hours(minutes: Any) -> Decimal:
    """Whole minutes → hours, exact to the hundredth."""
    return (Decimal(int(minutes or 0)) / 60).quantize(_HUNDREDTH)


class RhumbixConnector(RestConnector):
    """The Rhumbix public API (read-only).

    Args:
        base_url: ``https://api.rhumbix.com`` or a stand-in's URL.
        api_key: the company's API key (sent as ``x-api-key``).
        page_size: records per page.
        timeout, retry, transport, sleep: passed to :class:`RestClient`.
    """

    name: ClassVar[str] = "rhumbix"
    pulls: ClassVar[frozenset[str]] = frozenset({"time_entry", "job", "employee", "cost_code"})
    pushes: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        base_url: str = "https://api.rhumbix.com",
        *,
        api_key: str,
        page_size: int = 500,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.page_size = page_size
        self.deleted = pl.DataFrame(
            schema={"entry_id": pl.String(), "deleted_at": pl.Datetime("us", "UTC")}
        )
        super().__init__(
            RestClient(
                "rhumbix",
                base_url.rstrip("/"),
                auth=ApiKeyAuth(api_key),
                timeout=timeout,
                retry=retry,
                transport=transport,
                sleep=sleep,
            )
        )

    def records(self, resource: str, since: datetime | None, **params: Any) -> Iterator[Row]:
        """Every record of ``/v1/{resource}/``, following ``next``."""
        if since is not None:
            params["last_updated"] = since.astimezone(UTC).isoformat()
        yield from NextUrlPaginator(
            self.client,
            f"/v1/{resource}/",
            params=params,
            records_path="results",
            page_size=self.page_size,
        )

    def _pull_time_entry(self, since: datetime | None) -> Iterator[Row]:
        deleted: list[tuple[str, datetime]] = []
        for e in self.records("timekeeping_entries", since, include_deleted="true"):
            if e.get("deleted_on"):
                stamp = datetime.fromisoformat(str(e["deleted_on"]).replace("Z", "+00:00"))
                deleted.append((str(e["id"]), stamp.astimezone(UTC)))
                continue
            yield {
                "entry_id": e.get("id"),
                "employee_id": e.get("employee"),
                "job_id": e.get("job_number"),
                "job_number": e.get("job_number"),
                "cost_code": e.get("cost_code"),
                "work_date": e.get("shift_date"),
                "regular_hours": minutes_to_hours(e.get("standard_time_minutes")),
                "overtime_hours": minutes_to_hours(e.get("over_time_minutes")),
                "doubletime_hours": minutes_to_hours(e.get("double_time_minutes")),
                "approved": bool(e.get("is_approved")),
                "updated_at": e.get("last_updated"),
            }
        self.deleted = pl.DataFrame(
            {"entry_id": [d[0] for d in deleted], "deleted_at": [d[1] for d in deleted]},
            schema={"entry_id": pl.String(), "deleted_at": pl.Datetime("us", "UTC")},
        )

    def _pull_job(self, since: datetime | None) -> Iterator[Row]:
        for p in self.records("projects", since):
            yield {
                "job_id": p.get("job_number"),
                "job_number": p.get("job_number"),
                "name": p.get("name"),
                "address1": p.get("address"),
                "city": p.get("city"),
                "state": p.get("state"),
                "postal_code": p.get("zip_code"),
                "status": str(p.get("status") or "").lower() or None,
                "updated_at": p.get("last_updated"),
            }

    def _pull_employee(self, since: datetime | None) -> Iterator[Row]:
        for e in self.records("employees", since):
            yield {
                "employee_id": e.get("company_supplied_id"),
                "first_name": e.get("first_name"),
                "last_name": e.get("last_name"),
                "status": "active" if e.get("is_active") else "inactive",
                "updated_at": e.get("last_updated"),
            }

    def _pull_cost_code(self, since: datetime | None) -> Iterator[Row]:
        for c in self.records("cost_codes", since):
            yield {
                "cost_code": c.get("code"),
                "description": c.get("description"),
                "updated_at": c.get("last_updated"),
            }

    def find(self, entity: str, reference: str) -> str | None:
        """Rhumbix is read-only: nothing of ours is ever there."""
        return None

    def push(self, change: Change) -> PushResult:
        """Rhumbix is a source only."""
        raise PermanentError(f"rhumbix is read-only; cannot {change.action} {change.entity}")

    def _probe(self) -> None:
        self.client.get_json("/v1/cost_codes/", params={"page_size": 1})
