"""Benchmark: reconcile one month of 1,000,000 invoice lines a side (target ≤ 30 s, ≤ 4 GiB).

Run::

    .venv/bin/python bench/reconcile_bench.py [--invoices 1000000] [--folder /tmp/recon-bench]

The parent writes a synthetic snapshot (Parquet, the layout a reconcile pull
saves) for both systems: N invoices a side in one month, each invoice one line
(so N invoice lines), customers, jobs, payments with applications and time
entries, with known discrepancies planted (amount, date across month end,
only in field, payment only in ERP, unposted time). A fresh child process then
reads the snapshot and runs the tie-out, so its peak RSS is the reconcile's
alone; it prints the figures and checks that nothing is unexplained.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pixissync.reconcile.inputs import ENTITIES, Sides  # noqa: E402
from pixissync.reconcile.tie_out import tie_out  # noqa: E402
from pixissync.reconcile.tolerances import Tolerances  # noqa: E402

MONEY = pl.Decimal(12, 2)
HOURS = pl.Decimal(7, 2)


def _money(cents: np.ndarray) -> pl.Series:
    # Integer cents to an exact Decimal(12,2): never through floats.
    return (pl.Series(cents).cast(pl.Decimal(18, 0)) * Decimal("0.01")).cast(MONEY)


def generate(n: int, folder: Path, seed: int = 7) -> dict[str, int]:
    """Write both systems' snapshot Parquet files under ``folder``; return planted counts."""
    rng = np.random.default_rng(seed)
    n_cust, n_jobs = max(n // 100, 10), max(n // 20, 10)
    cust = np.arange(n_cust)
    job_cust = rng.integers(0, n_cust, n_jobs)
    inv_job = rng.integers(0, n_jobs, n)
    day = rng.integers(0, 31, n)
    cents = rng.integers(10_000, 5_000_000, n)
    start = date(2026, 10, 1)
    dates = pl.Series([start + timedelta(days=int(d)) for d in range(31)])[day]
    numbers = pl.Series(np.arange(n) + 100_000).cast(pl.String)

    amount_diff = rng.random(n) < 0.01
    only_field = rng.random(n) < 0.005
    date_moved = (rng.random(n) < 0.005) & (day == 30)
    erp_cents = np.where(amount_diff, cents + rng.integers(1, 50_000, n), cents)

    def invoices(side: str) -> pl.DataFrame:
        field = side == "field"
        frame = pl.DataFrame(
            {
                "invoice_id": ("I" + numbers) if field else numbers,
                "invoice_number": numbers,
                "customer_id": pl.Series(job_cust[inv_job]).cast(pl.String),
                "job_id": pl.Series(inv_job).cast(pl.String),
                "invoice_date": dates,
                "total": _money(cents if field else erp_cents),
                "status": pl.Series(["open"] * n),
            }
        ).with_columns(
            ((pl.lit("C") + pl.col("customer_id")) if field else pl.col("customer_id")).alias(
                "customer_id"
            ),
            ((pl.lit("J") + pl.col("job_id")) if field else pl.col("job_id")).alias("job_id"),
            (pl.col("invoice_date") + pl.duration(days=30)).alias("due_date"),
            pl.col("total").alias("subtotal"),
            pl.lit(0).cast(MONEY).alias("tax"),
            pl.col("total").alias("balance"),
            pl.lit(None, pl.String).alias("external_ref"),
        )
        if not field:
            frame = frame.filter(~pl.Series(only_field)).with_columns(
                pl.when(pl.Series(date_moved[~only_field]))
                .then(pl.lit(date(2026, 11, 1)))
                .otherwise(pl.col("invoice_date"))
                .alias("invoice_date")
            )
        return frame

    n_pay = n // 3
    pay_inv = rng.choice(np.flatnonzero(~only_field), n_pay, replace=False)
    pay_cents = cents[pay_inv] // 2
    erp_only = rng.random(n_pay) < 0.01
    pay_day = rng.integers(0, 31, n_pay)

    def payments(side: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        field = side == "field"
        keep = ~erp_only if field else np.ones(n_pay, dtype=bool)
        ids = pl.Series(np.arange(n_pay)[keep]).cast(pl.String)
        cust_ids = pl.Series(job_cust[inv_job[pay_inv[keep]]]).cast(pl.String)
        pay = pl.DataFrame(
            {
                "payment_id": ("P" + ids) if field else ids,
                "customer_id": ("C" + cust_ids) if field else cust_ids,
                "payment_date": pl.Series([start + timedelta(days=int(d)) for d in range(31)])[
                    pay_day[keep]
                ],
                "amount": _money(pay_cents[keep]),
                "reference": "CHK" + ids,
            }
        ).with_columns(method=pl.lit("check"), external_ref=pl.lit(None, pl.String))
        inv_ids = numbers[pay_inv[keep]]
        app = pl.DataFrame(
            {
                "payment_id": pay["payment_id"],
                "invoice_id": ("I" + inv_ids) if field else inv_ids,
                "amount": pay["amount"],
            }
        )
        return pay, app

    n_time = n // 5
    t_emp = pl.Series(rng.integers(100, 400, n_time)).cast(pl.String)
    t_job = rng.integers(0, n_jobs, n_time)
    t_day = rng.integers(0, 31, n_time)
    t_hours = rng.integers(1, 20, n_time) * 50  # hundredths of an hour
    unposted = rng.random(n_time) < 0.01

    def time_entries(side: str) -> pl.DataFrame:
        field = side == "field"
        keep = np.ones(n_time, dtype=bool) if field else ~unposted
        ids = pl.Series(np.arange(n_time)[keep]).cast(pl.String)
        return pl.DataFrame(
            {
                "entry_id": ("T" + ids) if field else ids,
                "employee_id": t_emp.filter(pl.Series(keep)),
                "job_number": pl.Series(t_job[keep]).cast(pl.String),
                "work_date": pl.Series([start + timedelta(days=int(d)) for d in range(31)])[
                    t_day[keep]
                ],
                "regular_hours": (
                    pl.Series(t_hours[keep]).cast(pl.Decimal(18, 0)) * Decimal("0.01")
                ).cast(HOURS),
            }
        ).with_columns(
            cost_code=pl.lit("1.100"),
            overtime_hours=pl.lit(0).cast(HOURS),
            doubletime_hours=pl.lit(0).cast(HOURS),
        )

    for side in ("field", "erp"):
        field = side == "field"
        out = folder / side
        out.mkdir(parents=True, exist_ok=True)
        cid = pl.Series(cust).cast(pl.String)
        jid = pl.Series(np.arange(n_jobs)).cast(pl.String)
        jc = pl.Series(job_cust).cast(pl.String)
        pay, app = payments(side)
        frames = {
            "customer": pl.DataFrame(
                {"customer_id": ("C" + cid) if field else cid, "name": "Customer " + cid}
            ),
            "job": pl.DataFrame(
                {
                    "job_id": ("J" + jid) if field else jid,
                    "job_number": jid,
                    "customer_id": ("C" + jc) if field else jc,
                }
            ),
            "invoice": invoices(side),
            "payment": pay,
            "payment_application": app,
            "time_entry": time_entries(side),
            "employee": pl.DataFrame({"employee_id": pl.Series(range(100, 400)).cast(pl.String)}),
            "cost_code": pl.DataFrame({"cost_code": ["1.100"]}),
        }
        for entity, frame in frames.items():
            frame.write_parquet(out / f"{entity}.parquet")
    return {
        "invoices_a_side": n,
        "amount_differences": int(amount_diff[~only_field].sum()),
        "only_in_field": int(only_field.sum()),
        "moved_to_november": int((date_moved & ~only_field).sum()),
        "payments_only_in_erp": int(erp_only.sum()),
        "unposted_time": int(unposted.sum()),
    }


def measure(folder: Path) -> None:
    """Read the snapshot and reconcile 2026-10; print time, peak RSS and the summary."""
    t0 = time.perf_counter()
    frames = {
        side: {e: pl.read_parquet(folder / side / f"{e}.parquet") for e in ENTITIES}
        for side in ("field", "erp")
    }
    sides = Sides(frames["field"], frames["erp"], snapshot=str(folder))
    t1 = time.perf_counter()
    rec = tie_out(sides, "2026-10", Tolerances())
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB -> GiB
    with pl.Config(tbl_cols=10, tbl_width_chars=160):
        print(rec.summary)
        print(rec.exceptions.group_by("measure", "kind").len().sort("measure", "kind"))
    print(f"read snapshot: {t1 - t0:.2f} s; tie-out: {t2 - t1:.2f} s; total {t2 - t0:.2f} s")
    print(f"peak RSS: {peak:.2f} GiB")
    unexplained = {str(v) for v in rec.summary["unexplained"].to_list()}
    ok = unexplained == {"0.00"} and t2 - t0 <= 30 and peak <= 4
    print("PASS" if ok else "FAIL", f"(unexplained {unexplained})")
    raise SystemExit(0 if ok else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/pixissync-reconcile-bench"))
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.folder)
    t0 = time.perf_counter()
    planted = generate(args.invoices, args.folder)
    print(f"generated in {time.perf_counter() - t0:.1f} s: {planted}")
    child = [sys.executable, __file__, "--measure", "--folder", str(args.folder)]
    raise SystemExit(subprocess.call(child))


if __name__ == "__main__":
    main()
