"""A small real target for the apply tests: a SQLite table that keeps our reference.

It behaves like a connector to an ERP that stamps our source reference on each
record it creates (``find`` looks it up), and lets a test script failures at
each point of a write: ``faults[(position, reference)]`` is a list of exceptions
raised in turn at ``find``, ``before_write`` or ``after_write`` (after the row
is committed — the "wrote but did not hear back" case).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import sqlalchemy as sa

from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.errors import AmbiguousReferenceError, PermanentError
from pixissync.proposal import Proposal, idempotency_key, to_jsonable
from pixissync.store import User

ADMIN = User("ada", "admin")
REVIEWER = User("rita", "reviewer")

_meta = sa.MetaData()
records = sa.Table(
    "records",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String, nullable=False),
    sa.Column("reference", sa.String),  # deliberately not unique: duplicates must show
    sa.Column("values", sa.Text, nullable=False),
    sa.Column("parents", sa.Text, nullable=False),
    sa.Column("writes", sa.Integer, nullable=False, server_default="1"),
)


class Crash(BaseException):
    """Stands for the process dying: nothing in apply may catch it."""


class TableTarget:
    """A connector whose system is one SQLite table."""

    name: ClassVar[str] = "erp"
    pulls: ClassVar[frozenset[str]] = frozenset()
    pushes: ClassVar[frozenset[str]] = frozenset({"customer", "job", "invoice"})

    def __init__(self, path: Path, delay: float = 0.0) -> None:
        self.engine = sa.create_engine(f"sqlite:///{path}")
        _meta.create_all(self.engine)
        self.delay = delay
        self.faults: dict[tuple[str, str], list[BaseException]] = {}
        self.changes: list[Change] = []
        self.finds = 0

    def _hook(self, position: str, reference: str) -> None:
        queue = self.faults.get((position, reference))
        if queue:
            raise queue.pop(0)

    def find(self, entity: str, reference: str) -> str | None:
        self._hook("find", reference)
        self.finds += 1
        with self.engine.connect() as conn:
            ids = (
                conn.execute(
                    sa.select(records.c.id).where(
                        records.c.entity == entity, records.c.reference == reference
                    )
                )
                .scalars()
                .all()
            )
        if len(ids) > 1:
            raise AmbiguousReferenceError(f"{len(ids)} records carry {reference}")
        return str(ids[0]) if ids else None

    def push(self, change: Change) -> PushResult:
        self._hook("before_write", change.reference)
        if self.delay:
            time.sleep(self.delay)
        self.changes.append(change)
        with self.engine.begin() as conn:
            if change.action == "create":
                target_id = conn.execute(
                    records.insert()
                    .values(
                        entity=change.entity,
                        reference=change.reference,
                        values=json.dumps(to_jsonable(change.values), sort_keys=True),
                        parents=json.dumps(change.parents, sort_keys=True),
                    )
                    .returning(records.c.id)
                ).scalar_one()
            else:
                done = conn.execute(
                    records.update()
                    .where(records.c.id == int(change.target_id or 0))
                    .values(
                        values=json.dumps(to_jsonable(change.values), sort_keys=True),
                        writes=records.c.writes + 1,
                    )
                )
                if done.rowcount != 1:
                    raise PermanentError(
                        "update refused", system_message=f"record {change.target_id} not found"
                    )
                target_id = int(change.target_id or 0)
        self._hook("after_write", change.reference)
        return PushResult(str(target_id), created=change.action == "create")

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        return pl.DataFrame()

    def check(self) -> list[CheckResult]:
        return [CheckResult("table", True, "SQLite table reachable")]

    def close(self) -> None:
        self.engine.dispose()

    # -- what tests look at --------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(records)).mappings()]

    def references(self) -> list[str]:
        return sorted(r["reference"] for r in self.rows())


def customer(i: int, **overrides: Any) -> Proposal:
    fields: dict[str, Any] = {
        "flow": "customers",
        "entity": "customer",
        "action": "create",
        "source_system": "files",
        "source_id": f"C{i}",
        "target_system": "erp",
        "reference": f"pxs:files:customer:C{i}",
        "idempotency_key": idempotency_key("customers", "create", i),
        "values": {"name": f"Customer {i}"},
        "summary": f"Create customer {i}",
    }
    fields.update(overrides)
    return Proposal(**fields)


def job(i: int, parent: int, **overrides: Any) -> Proposal:
    fields: dict[str, Any] = {
        "flow": "jobs",
        "entity": "job",
        "action": "create",
        "source_system": "files",
        "source_id": f"J{i}",
        "target_system": "erp",
        "reference": f"pxs:files:job:J{i}",
        "idempotency_key": idempotency_key("jobs", "create", i),
        "values": {"name": f"Job {i}", "customer_id": f"C{parent}"},
        "parents": {"customer_id": f"C{parent}"},
        "depends_on": [idempotency_key("customers", "create", parent)],
        "summary": f"Create job {i}",
    }
    fields.update(overrides)
    return Proposal(**fields)


def invoice(i: int, total: str) -> Proposal:
    return Proposal(
        flow="invoices",
        entity="invoice",
        action="create",
        source_system="files",
        source_id=f"I{i}",
        target_system="erp",
        reference=f"pxs:files:invoice:I{i}",
        idempotency_key=idempotency_key("invoices", "create", i),
        values={"invoice_number": f"ST-{i}", "total": Decimal(total), "invoice_date": "2026-10-01"},
    )


def ids_of(proposals: Sequence[Any]) -> list[int]:
    return [p.id for p in proposals]
