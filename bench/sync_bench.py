"""Sync-core benchmarks: full sync of the sample company, 100k-proposal batches, apply rate.

Run: ``.venv/bin/python -m bench.sync_bench [--pg URL]``. Prints one table of
figures; targets (issue 3): full sync ≤ 10 s, 100k proposals planned and
persisted ≤ 20 s on SQLite and PostgreSQL, apply ≥ 500 records/s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, text

from pixissync.demo import build_demo_home
from pixissync.flows import DEFAULT_FLOWS
from pixissync.model import conform, empty_frame
from pixissync.plan import PlanInput, plan
from pixissync.store import Store, User
from pixissync.sync import sync

ADMIN = User("bench", "admin")


def _customers(n: int) -> pl.DataFrame:
    ids = [f"B{i:06d}" for i in range(n)]
    raw = pl.DataFrame(
        {
            "customer_id": ids,
            "name": [f"Bench Customer {i} Mechanical LLC" for i in range(n)],
            "address1": [f"{100 + i % 9000} Main St" for i in range(n)],
            "city": ["Austin"] * n,
            "state": ["TX"] * n,
            "postal_code": ["78701"] * n,
            "phone": [f"512-555-{i % 10000:04d}" for i in range(n)],
        }
    )
    return conform("customer", raw)[0]


def plan_and_persist(url: str, n: int) -> tuple[float, float]:
    """Seconds to plan ``n`` creates and to persist them as one batch."""
    source = _customers(n)
    empty_pairs = pl.DataFrame(
        schema={
            "left_id": pl.String,
            "right_id": pl.String,
            "score": pl.Float64,
            "decision": pl.String,
            "explanation": pl.List(pl.String),
        }
    )
    t0 = time.perf_counter()
    proposals = plan(
        PlanInput(
            flow=DEFAULT_FLOWS["customers"],
            source=source,
            target=empty_frame("customer"),
            pairs=empty_pairs,
            xref=pl.DataFrame(schema={"source_id": pl.String, "target_id": pl.String}),
        )
    )
    t1 = time.perf_counter()
    store = Store(url)
    store.migrate()
    run = store.start_run("customers", "bench")
    store.save_batch(run, "customers", proposals)
    t2 = time.perf_counter()
    store.close()
    return t1 - t0, t2 - t1


def apply_rate(folder: Path, n: int) -> tuple[str, str, str]:
    """Records/s written to the Sage 100C sandbox: ``n`` new customers, planned and applied."""
    from pixissync.apply import apply_batch

    home = build_demo_home(folder)
    extra = _customers(n).select(
        "customer_id", "name", "address1", "city", "state", "postal_code", "phone"
    )
    field = home.path / "field" / "customer.csv"
    existing = pl.read_csv(field, infer_schema=False)
    pl.concat([existing, extra.cast(pl.String)], how="diagonal").write_csv(field)
    (result,) = sync(home, "customers", trigger="bench")
    assert result.batch_id is not None
    home.store.approve_where(result.batch_id, user=ADMIN, status="pending", action="create")
    t0 = time.perf_counter()
    report = apply_batch(home.store, result.batch_id, home.connectors(), user=ADMIN)
    seconds = time.perf_counter() - t0
    home.close()
    return (
        "apply creates to the Sage 100C sandbox (target ≥ 500/s)",
        f"{report.created / seconds:,.0f} records/s",
        f"{report.created:,} customers created in {seconds:.2f} s",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=5_000)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "home"
        t0 = time.perf_counter()
        home = build_demo_home(folder)
        rows.append(
            ("build demo home (sandbox ERP + store)", f"{time.perf_counter() - t0:.2f} s", "")
        )
        t0 = time.perf_counter()
        results = sync(home, "all", trigger="bench")
        total = time.perf_counter() - t0
        for r in results:
            rows.append(
                (
                    f"  sync {r.flow}",
                    f"{r.seconds:.2f} s",
                    str(
                        sum(
                            v
                            for k, v in r.counts.items()
                            if k in ("create", "update", "link", "exception")
                        )
                    )
                    + " proposals",
                )
            )
        rows.append(("full sync, all flows (target ≤ 10 s)", f"{total:.2f} s", ""))

        home.close()
        rows.append(apply_rate(Path(tmp) / "apply", args.creates))

        sqlite_url = f"sqlite:///{tmp}/bench_state.db"
        plan_s, persist_s = plan_and_persist(sqlite_url, args.proposals)
        rows.append(
            (
                f"{args.proposals:,} proposals on SQLite (target ≤ 20 s)",
                f"{plan_s + persist_s:.2f} s",
                f"plan {plan_s:.2f} s + persist {persist_s:.2f} s",
            )
        )
    name = f"pixissync_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        pg_url = args.pg.rsplit("/", 1)[0] + f"/{name}"
        plan_s, persist_s = plan_and_persist(pg_url, args.proposals)
        rows.append(
            (
                f"{args.proposals:,} proposals on PostgreSQL (target ≤ 20 s)",
                f"{plan_s + persist_s:.2f} s",
                f"plan {plan_s:.2f} s + persist {persist_s:.2f} s",
            )
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>18}  detail")
    for label, figure, detail in rows:
        print(f"{label:<{width}}  {figure:>18}  {detail}")


if __name__ == "__main__":
    main()
