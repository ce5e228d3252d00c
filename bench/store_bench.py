"""State-store benchmarks: persist, page, filter, bulk-approve and apply on SQLite and PostgreSQL.

Run: ``.venv/bin/python -m bench.store_bench [--n 100000] [--pg ADMIN_URL]``.
Plan-free: the proposals are synthetic, so the figures are the store's own.
Target (issue 3): a 100k-proposal batch persisted in ≤ 20 s on both databases;
the console's page and filter queries on a 50k+ batch well under 2 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import ClassVar, TypeVar

import polars as pl
from sqlalchemy import create_engine, text

from pixissync.apply import apply_batch
from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.proposal import Preflight, Proposal, idempotency_key
from pixissync.store import Store, User

ADMIN = User("bench", "admin")
T = TypeVar("T")


def synthetic(n: int) -> list[Proposal]:
    """``n`` customer/invoice proposals shaped like the planner's (diffs, explanations)."""
    out = []
    for i in range(n):
        action = ("create", "update", "link")[i % 3]
        out.append(
            Proposal(
                flow="invoices",
                entity="invoice",
                action=action,
                source_system="servicetrade",
                source_id=f"INV{i:07d}",
                target_system="sage100c",
                target_id=None if action == "create" else f"{i + 10_000}",
                reference=f"pxs:servicetrade:invoice:INV{i:07d}",
                idempotency_key=idempotency_key("invoices", action, i),
                values={
                    "invoice_number": f"ST-{i}",
                    "total": Decimal(i % 5000) + Decimal("0.25"),
                    "customer_id": f"C{i % 500}",
                },
                diff={"total": {"old": "1.00", "new": f"{i % 5000}.25"}}
                if action != "create"
                else {},
                score=float(i % 100) if action == "link" else None,
                explanation=["invoice number: exact", "total: within 1%"]
                if action == "link"
                else [],
                parents={"customer_id": f"C{i % 500}"},
                preflight=[Preflight("closed_period", "invoice_date", "period closed", False)]
                if i % 50 == 0
                else [],
                summary=f"{action} invoice ST-{i} for customer C{i % 500}",
            )
        )
    return out


class NullTarget:
    """A connector that accepts every write at once: measures apply's own overhead."""

    name: ClassVar[str] = "sage100c"
    pulls: ClassVar[frozenset[str]] = frozenset()
    pushes: ClassVar[frozenset[str]] = frozenset({"invoice"})

    def __init__(self) -> None:
        self.n = 0

    def find(self, entity: str, reference: str) -> str | None:
        return None

    def push(self, change: Change) -> PushResult:
        self.n += 1
        return PushResult(str(self.n), created=True)

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        return pl.DataFrame()

    def check(self) -> list[CheckResult]:
        return []

    def close(self) -> None:
        pass


def timed(label: str, rows: list[tuple[str, str, float]], db: str, fn: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = fn()
    rows.append((db, label, time.perf_counter() - started))
    return result


def run(db: str, url: str, proposals: list[Proposal], apply_n: int) -> list[tuple[str, str, float]]:
    rows: list[tuple[str, str, float]] = []
    store = Store(url)
    timed("migrate", rows, db, store.migrate)
    n = len(proposals)
    batch = timed(
        f"save_batch {n:,}", rows, db, lambda: store.save_batch(None, "invoices", proposals)
    )
    timed("batch summary (counts)", rows, db, lambda: store.batch(batch))
    timed("page 1 (100 rows + total)", rows, db, lambda: store.proposals(batch))
    timed(
        "page 301 of creates",
        rows,
        db,
        lambda: store.proposals(batch, action="create", offset=30_000),
    )
    timed(
        "filter score 90-100 links",
        rows,
        db,
        lambda: store.proposals(batch, action="link", min_score=90),
    )
    timed("text search 'ST-4242'", rows, db, lambda: store.proposals(batch, text="ST-4242"))
    approved = timed(
        "approve_where links ≥ 90",
        rows,
        db,
        lambda: store.approve_where(batch, user=ADMIN, action="link", min_score=90),
    )
    rows.append((db, f"  ({approved:,} approved)", 0.0))
    everything = timed(
        "approve_where the rest (bulk, audited)",
        rows,
        db,
        lambda: store.approve_where(batch, user=ADMIN),
    )
    rows.append((db, f"  ({everything:,} approved)", 0.0))

    # Parents are left out so every create is written (a real run resolves them by xref).
    creates = [replace(p, parents={}) for p in proposals if p.action == "create"][:apply_n]
    small = store.save_batch(None, "invoices", creates)
    store.approve_where(small, user=ADMIN)
    target = NullTarget()
    report = timed(
        f"apply {apply_n:,} creates (null target)",
        rows,
        db,
        lambda: apply_batch(store, small, {"sage100c": target}, user=ADMIN),
    )
    seconds = rows[-1][2]
    rows.append((db, f"  = {report.applied / seconds:,.0f} records/s", 0.0))
    store.close()
    return rows


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    name = f"pixissync_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="proposals in the batch")
    parser.add_argument("--apply", type=int, default=2_000, help="proposals to apply")
    parser.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL admin URL (a scratch database is created and dropped); '' skips",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    proposals = synthetic(args.n)
    print(f"built {args.n:,} synthetic proposals in {time.perf_counter() - started:.1f}s")
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run("sqlite", f"sqlite:///{Path(tmp) / 'state.db'}", proposals, args.apply)
    if args.pg:
        with pg_database(args.pg) as url:
            rows += run("postgresql", url, proposals, args.apply)
    print(f"{'database':<11} {'step':<38} {'seconds':>8}")
    for db, label, seconds in rows:
        print(f"{db:<11} {label:<38} {seconds:>8.3f}" if seconds else f"{db:<11} {label}")


if __name__ == "__main__":
    main()
