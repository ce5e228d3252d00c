"""Viewpoint Vista and Sage 300 CRE: full read of the sample company, apply of 5,000 proposals.

Run: ``.venv/bin/python -m bench.erp_db_bench [--n 5000] [--pg ADMIN_URL] [--only vista]``.

For each ERP stand-in seeded from ``data/samples/field``:

* **full read** — ``pull`` of every entity the connector reads, rows and seconds;
* **apply** — ``push`` of ``n`` creates as apply sends them (look for our
  reference, then write), then the same ``n`` again (every one must come back
  "already there"), then what the accountant does afterwards (Vista: validate and
  post the batches; Sage 300 CRE: run the import file) and the confirming read.

Vista runs on SQLite (and on PostgreSQL with ``--pg``); Sage 300 CRE on SQLite
read through the SQLite3 ODBC driver.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import create_engine, text

from pixissync.connectors.base import Change, Connector
from pixissync.model import ENTITIES, conform

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples" / "field"


def load_sample() -> dict[str, pl.DataFrame]:
    """The sample company's field export as canonical frames."""
    frames: dict[str, pl.DataFrame] = {}
    for entity in ENTITIES:
        path = SAMPLES / f"{entity}.csv"
        if path.exists():
            raw = pl.read_csv(path, infer_schema=False)
            frames[entity] = conform(entity, raw, source=str(path))[0]
    return frames


def _timed(label: str, action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"  {label:<42} {seconds:8.2f} s")
    return result, seconds


def full_read(connector: Connector) -> None:
    total_rows, start = 0, time.perf_counter()
    for entity in sorted(connector.pulls):
        frame, _ = _timed(f"pull {entity}", functools.partial(connector.pull, entity))
        total_rows += frame.height
    seconds = time.perf_counter() - start
    print(f"  full read: {total_rows} rows in {seconds:.2f} s ({total_rows / seconds:,.0f} rows/s)")


def push_all(connector: Connector, changes: list[Change], label: str) -> None:
    created = 0
    start = time.perf_counter()
    for change in changes:
        created += connector.push(change).created
    seconds = time.perf_counter() - start
    print(
        f"  {label:<42} {seconds:8.2f} s  {len(changes) / seconds:7.0f} pushes/s  "
        f"({created} created)"
    )


def vista_changes(
    frames: dict[str, pl.DataFrame], maps: dict[str, dict[str, str]], n: int, run: str
) -> list[Change]:
    """A proposal batch as the planner makes it: customers, jobs, AR invoices, timecards."""
    quarter = n // 4
    changes: list[Change] = []
    for i, row in enumerate(frames["customer"].head(quarter).iter_rows(named=True)):
        values = {k: row[k] for k in ("name", "address1", "city", "state", "postal_code", "phone")}
        values["name"] = f"{row['name']} {run}{i}"[:60]
        changes.append(
            Change("customer", "create", f"pxs:bench{run}:customer:{i}", f"c{i}", values)
        )
    customers = list(maps["customer"].values())
    for i in range(quarter):
        changes.append(
            Change(
                "job",
                "create",
                f"pxs:bench{run}:job:{i}",
                f"j{i}",
                {"job_number": f"B{run[:2]}{i:05d}", "name": f"Bench job {i}", "status": "open"},
                parents={"customer_id": customers[i % len(customers)]},
            )
        )
    lines = frames["invoice_line"].partition_by("invoice_id", as_dict=True)
    for i, row in enumerate(frames["invoice"].head(quarter).iter_rows(named=True)):
        invoice_lines = lines.get((row["invoice_id"],))
        values = {k: row[k] for k in ("invoice_date", "due_date", "subtotal", "tax", "total")}
        values["invoice_number"] = f"B{i:06d}"
        if invoice_lines is not None:
            values["lines"] = invoice_lines.drop("invoice_id").to_dicts()
        changes.append(
            Change(
                "invoice",
                "create",
                f"pxs:bench{run}:invoice:{i}",
                f"i{i}",
                values,
                parents={
                    "customer_id": maps["customer"][row["customer_id"]],
                    "job_id": maps["job"][row["job_id"]],
                },
            )
        )
    changes.extend(_time_changes(frames, maps, n - len(changes), run))
    return changes


def _time_changes(
    frames: dict[str, pl.DataFrame], maps: dict[str, dict[str, str]], n: int, run: str
) -> list[Change]:
    out: list[Change] = []
    for i, row in enumerate(frames["time_entry"].head(n).iter_rows(named=True)):
        values = {
            k: row[k]
            for k in (
                "employee_id",
                "cost_code",
                "work_date",
                "regular_hours",
                "overtime_hours",
                "doubletime_hours",
            )
        }
        out.append(
            Change(
                "time_entry",
                "create",
                f"pxs:bench{run}:time_entry:{i}",
                f"t{i}",
                values,
                parents={"job_id": maps["job"][row["job_id"]]},
            )
        )
    return out


def bench_vista(frames: dict[str, pl.DataFrame], n: int, url: str, label: str) -> None:
    from pixissync.connectors.vista import vista_connector
    from pixissync.sandbox.vista_db import create_vista_db, post_as_vista_user, seed_from_canonical

    print(f"## Viewpoint Vista stand-in on {label}")
    engine = create_vista_db(url)
    maps, _ = _timed("seed from the sample company", lambda: seed_from_canonical(engine, frames))
    vista = vista_connector(url=url, engine=engine, sandbox=True)
    full_read(vista)
    run = uuid.uuid4().hex[:4]
    changes = vista_changes(frames, maps, n, run)
    push_all(vista, changes, f"apply {len(changes)} creates")
    push_all(vista, changes, f"apply the same {len(changes)} again")
    print(f"  open batches left for Vista users: {vista.open_batches().height}")
    report, _ = _timed("accountant validates and posts", lambda: post_as_vista_user(engine))
    print(f"  {sum(r.endswith('posted') for r in report)} of {len(report)} batches posted")
    found, _ = _timed(
        "confirming read of invoices and time",
        lambda: (
            vista.pull("invoice")
            .filter(pl.col("external_ref").str.starts_with(f"pxs:bench{run}"))
            .height
            + vista.pull("time_entry")
            .filter(pl.col("external_ref").str.starts_with(f"pxs:bench{run}"))
            .height
        ),
    )
    print(f"  posted records carrying our reference: {found}")
    vista.close()


def bench_sage300(frames: dict[str, pl.DataFrame], n: int, folder: Path) -> None:
    from pixissync.connectors.sage300cre import sage300_connector
    from pixissync.sandbox.sage300_db import import_waiting_files, seed_from_canonical

    print("## Sage 300 CRE stand-in (SQLite read through the SQLite3 ODBC driver)")
    db, drop = folder / "sage300.sqlite", folder / "drop"
    maps, _ = _timed("seed from the sample company", lambda: seed_from_canonical(db, frames))
    sage = sage300_connector(sandbox=str(db), drop_folder=str(drop))
    full_read(sage)
    run = uuid.uuid4().hex[:4]
    changes = _time_changes(frames, {"job": maps["job"]}, n, run)
    push_all(sage, changes, f"apply {len(changes)} time entries")
    push_all(sage, changes, f"apply the same {len(changes)} again")
    sage.finish_import_file()
    reports, _ = _timed(
        "payroll clerk runs PR Import Time", lambda: import_waiting_files(db, drop, sage.settings)
    )
    print(
        f"  imported {sum(r.imported for r in reports)} lines, "
        f"rejected {sum(len(r.rejected) for r in reports)}"
    )
    _timed("confirming read (ledger reconcile)", lambda: sage.pull("time_entry"))
    print(f"  ledger: {sage.last_reconcile}")
    sage.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.erp_db_bench", description=__doc__)
    parser.add_argument("--n", type=int, default=5000, help="proposals per apply (default 5000)")
    parser.add_argument("--pg", help="PostgreSQL admin URL; also runs Vista on a fresh database")
    parser.add_argument("--only", choices=["vista", "sage300cre"])
    args = parser.parse_args(argv)
    frames, _ = _timed("load the sample company (CSV -> canonical)", load_sample)
    print(f"  {', '.join(f'{k}={v.height}' for k, v in frames.items())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "vista"):
            bench_vista(frames, args.n, f"sqlite:///{folder / 'vista.db'}", "SQLite")
            if args.pg:
                name = f"bench_vista_{uuid.uuid4().hex[:8]}"
                admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                try:
                    bench_vista(frames, args.n, f"{args.pg.rsplit('/', 1)[0]}/{name}", "PostgreSQL")
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
        if args.only in (None, "sage300cre"):
            bench_sage300(frames, args.n, folder)
    print(f"(run on {date.today().isoformat()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
