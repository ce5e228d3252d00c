"""Which record on one side is which on the other: crosswalks and one-to-one pairings.

Reconciliation needs exact, explainable pairs, not scored guesses, so it pairs
on evidence in this order: the store's xrefs, our stamped reference on the
ERP record, then the shared business key (invoice number without prefix and
zeros; a payment's customer, check number and amount; a time entry's employee,
job, cost code, day and hours). A key shared by several records on one side
pairs nothing: those records stay unpaired and are listed, never guessed.
"""

from __future__ import annotations

import polars as pl

from pixissync.matching.normalize import doc_number, reference_id
from pixissync.reconcile.inputs import Sides

PAIR_SCHEMA = pl.Schema({"field_id": pl.String, "erp_id": pl.String})


def customer_crosswalk(sides: Sides) -> pl.DataFrame:
    """``erp_customer_id → field_customer_id`` from xrefs, then from shared job numbers.

    Many ERP customers may point at one field customer (duplicates keyed twice
    in the ERP); each ERP customer points at the field customer most of its
    jobs belong to.
    """
    known = sides.xref("customer").select(
        pl.col("erp_id").alias("erp_customer_id"),
        pl.col("field_id").alias("field_customer_id"),
        pl.lit(0).alias("prio"),
        pl.lit(0, dtype=pl.UInt32).alias("n"),
    )
    field_jobs = sides.field["job"].select("job_number", pl.col("customer_id").alias("fc"))
    erp_jobs = sides.erp["job"].select("job_number", pl.col("customer_id").alias("ec"))
    via_jobs = (
        erp_jobs.join(field_jobs, on="job_number", how="inner")
        .drop_nulls(["ec", "fc"])
        .group_by("ec", "fc")
        .len("n")
        .select(
            pl.col("ec").alias("erp_customer_id"),
            pl.col("fc").alias("field_customer_id"),
            pl.lit(1).alias("prio"),
            "n",
        )
    )
    return (
        pl.concat([known, via_jobs])
        .sort(["prio", "n", "field_customer_id"], descending=[False, True, False])
        .unique("erp_customer_id", keep="first", maintain_order=True)
        .select("erp_customer_id", "field_customer_id")
    )


def job_crosswalk(sides: Sides) -> pl.DataFrame:
    """``erp_job_id → field_job_id`` from xrefs, then from the shared job number."""
    known = sides.xref("job").select(
        pl.col("erp_id").alias("erp_job_id"), pl.col("field_id").alias("field_job_id")
    )
    by_number = (
        sides.erp["job"]
        .select(pl.col("job_id").alias("erp_job_id"), "job_number")
        .join(
            sides.field["job"].select(pl.col("job_id").alias("field_job_id"), "job_number"),
            on="job_number",
            how="inner",
        )
        .select("erp_job_id", "field_job_id")
    )
    return pl.concat([known, by_number]).unique("erp_job_id", keep="first", maintain_order=True)


def _unique_key_pairs(left: pl.DataFrame, right: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Pairs of ``field_id``/``erp_id`` whose key occurs exactly once on each side."""
    lone_l = left.drop_nulls(key).filter(pl.len().over(key) == 1)
    lone_r = right.drop_nulls(key).filter(pl.len().over(key) == 1)
    return lone_l.join(lone_r, on=key, how="inner").select("field_id", "erp_id")


def _pair_in_steps(
    left: pl.DataFrame, right: pl.DataFrame, steps: list[pl.DataFrame | list[str]]
) -> pl.DataFrame:
    """Apply pairing steps in order; each step pairs only what earlier ones left."""
    found: list[pl.DataFrame] = []
    for step in steps:
        if isinstance(step, pl.DataFrame):
            pairs = step.join(left.select("field_id"), on="field_id", how="semi").join(
                right.select("erp_id"), on="erp_id", how="semi"
            )
            pairs = pairs.unique("field_id", keep="first").unique("erp_id", keep="first")
        else:
            pairs = _unique_key_pairs(left, right, step)
        found.append(pairs.select("field_id", "erp_id"))
        left = left.join(pairs, on="field_id", how="anti")
        right = right.join(pairs, on="erp_id", how="anti")
    return pl.concat(found) if found else pl.DataFrame(schema=PAIR_SCHEMA)


def pair_invoices(sides: Sides) -> pl.DataFrame:
    """Field ↔ ERP invoice pairs (``field_id, erp_id``), one-to-one."""
    left = sides.field["invoice"].select(
        pl.col("invoice_id").alias("field_id"), doc_number(pl.col("invoice_number")).alias("num")
    )
    right = sides.erp["invoice"].select(
        pl.col("invoice_id").alias("erp_id"),
        doc_number(pl.col("invoice_number")).alias("num"),
        reference_id(pl.col("external_ref")).alias("ref"),
    )
    stamped = right.drop_nulls("ref").select(pl.col("ref").alias("field_id"), "erp_id")
    return _pair_in_steps(left, right, [sides.xref("invoice"), stamped, ["num"]])


def pair_payments(sides: Sides, customers: pl.DataFrame) -> pl.DataFrame:
    """Field ↔ ERP payment pairs: xref, our reference, customer + check number (+ amount),
    then customer + amount + day."""
    left = sides.field["payment"].select(
        pl.col("payment_id").alias("field_id"),
        pl.col("customer_id").alias("cust"),
        doc_number(pl.col("reference")).alias("num"),
        pl.col("amount").cast(pl.Decimal(18, 2)).alias("amt"),
        pl.col("payment_date").alias("day"),
    )
    right = (
        sides.erp["payment"]
        .join(customers, left_on="customer_id", right_on="erp_customer_id", how="left")
        .select(
            pl.col("payment_id").alias("erp_id"),
            pl.col("field_customer_id").alias("cust"),
            doc_number(pl.col("reference")).alias("num"),
            pl.col("amount").cast(pl.Decimal(18, 2)).alias("amt"),
            reference_id(pl.col("external_ref")).alias("ref"),
            pl.col("payment_date").alias("day"),
        )
    )
    stamped = right.drop_nulls("ref").select(pl.col("ref").alias("field_id"), "erp_id")
    # Last: same customer, amount and day, for ERPs that cut the check number short
    # (Vista keeps 10 characters of a reference).
    steps: list[pl.DataFrame | list[str]] = [
        sides.xref("payment"),
        stamped,
        ["cust", "num", "amt"],
        ["cust", "num"],
        ["cust", "amt", "day"],
    ]
    return _pair_in_steps(left, right, steps)


def _hours(frame: pl.DataFrame) -> pl.Expr:
    cols = ("regular_hours", "overtime_hours", "doubletime_hours")
    return pl.sum_horizontal(pl.col(c).cast(pl.Decimal(18, 2)).fill_null(0) for c in cols)


def time_keys(frame: pl.DataFrame, id_name: str) -> pl.DataFrame:
    """A time entry's pairing key; ``seq`` numbers identical entries so each pairs once."""
    key = ["employee_id", "job_number", "cost_code", "work_date", "hours"]
    return (
        frame.select(
            pl.col("entry_id").alias(id_name),
            "employee_id",
            "job_number",
            "cost_code",
            "work_date",
            _hours(frame).alias("hours"),
        )
        .sort(id_name)
        .with_columns(pl.int_range(pl.len()).over(key).alias("seq"))
    )


def pair_time_entries(sides: Sides) -> pl.DataFrame:
    """Field ↔ ERP time entry pairs: same employee, job, cost code, day and hours.

    A field system that records no cost code (ServiceTrade's clock events) pairs
    in a second pass on the rest of the key, among the entries still unpaired.
    """
    key = ["employee_id", "job_number", "cost_code", "work_date", "hours", "seq"]
    left = time_keys(sides.field["time_entry"], "field_id")
    right = time_keys(sides.erp["time_entry"], "erp_id")
    exact = left.join(right, on=key, how="inner").select("field_id", "erp_id")
    rest_l = left.join(exact, on="field_id", how="anti").filter(pl.col("cost_code").is_null())
    if rest_l.height == 0:
        return exact
    loose = ["employee_id", "job_number", "work_date", "hours"]
    rest_r = right.join(exact, on="erp_id", how="anti")
    number = pl.int_range(pl.len()).over(loose).alias("seq")
    second = (
        rest_l.with_columns(number)
        .join(rest_r.with_columns(number), on=[*loose, "seq"], how="inner")
        .select("field_id", "erp_id")
    )
    return pl.concat([exact, second])
