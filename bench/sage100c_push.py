"""Sage 100 Contractor sandbox write throughput: pushes per second through MBXML.

Run: ``.venv/bin/python -m bench.sage100c_push [--n 2000] [--pg ADMIN_URL]``.
Each push is what apply does: look for our reference, build the MBXML request
set, let the sandbox submitter apply it in one transaction. Target (issue 3):
≥ 500 records/s into the SQLite sandbox.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

from pixissync.connectors.base import Change
from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.sandbox.sage100c_db import build_sage100c_db

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _customer(i: int) -> Change:
    return Change(
        "customer",
        "create",
        f"pxs:bench:customer:{i}",
        f"c{i}",
        {"name": f"Bench Customer {i}", "city": "Charlotte", "state": "NC", "status": "active"},
    )


def _invoice(i: int) -> Change:
    line = {
        "line_no": 1,
        "description": "Service call",
        "quantity": Decimal("2"),
        "unit_price": Decimal("125.00"),
        "amount": Decimal("250.00"),
        "cost_code": "23.800",
        "gl_account": "4000",
    }
    return Change(
        "invoice",
        "create",
        f"pxs:bench:invoice:{i}",
        f"i{i}",
        {
            "invoice_number": f"B{i}",
            "invoice_date": date(2026, 10, 30),
            "tax": Decimal("18.13"),
            "lines": [line, {**line, "line_no": 2}, {**line, "line_no": 3}],
        },
        parents={"job_id": "21001"},
    )


def _time(i: int) -> Change:
    return Change(
        "time_entry",
        "create",
        f"pxs:bench:time_entry:{i}",
        f"t{i}",
        {
            "employee_id": str(101 + i % 150),
            "cost_code": "23.800",
            "work_date": date(2026, 10, 30),
            "regular_hours": Decimal("8.00"),
            "overtime_hours": Decimal("1.50"),
        },
        parents={"job_id": "21001"},
    )


def run(url: str, n: int) -> None:
    build_sage100c_db(url, SAMPLES).dispose()
    connector = Sage100cConnector(url)
    makers: dict[str, Callable[[int], Change]] = {
        "customer": _customer,
        "invoice (3 lines)": _invoice,
        "time_entry (2 pay lines)": _time,
    }
    for label, make in makers.items():
        started = time.perf_counter()
        for i in range(n):
            connector.push(make(i))
        elapsed = time.perf_counter() - started
        repeat = time.perf_counter()
        for i in range(min(n, 500)):
            assert not connector.push(make(i)).created  # a retried create finds, never repeats
        found = min(n, 500) / (time.perf_counter() - repeat)
        print(f"  {label:26s} {n / elapsed:7.0f} created/s   {found:7.0f} found-again/s")
    connector.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument(
        "--pg", help="PostgreSQL admin URL, e.g. postgresql+psycopg://postgres@127.0.0.1/test"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite sandbox, {args.n} pushes each:")
        run(str(Path(folder) / "sage.db"), args.n)
    if args.pg:
        name = f"bench_sage_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            print(f"PostgreSQL sandbox, {args.n} pushes each:")
            run(f"{args.pg.rsplit('/', 1)[0]}/{name}", args.n)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
