"""Invoices and payments side by side, and what each pair (or lone record) contributes.

Every row of :func:`invoice_rows` is one field invoice, one ERP invoice, or a
pair, with the field's customer/job ids on both sides (the ERP's translated
through the crosswalks), so differences are plain column comparisons.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pixissync.reconcile.inputs import Sides
from pixissync.reconcile.pairing import pair_invoices, pair_payments
from pixissync.reconcile.tolerances import Tolerances

AMOUNT = pl.Decimal(18, 2)
ZERO = pl.lit(0, dtype=AMOUNT)


def _amount(name: str) -> pl.Expr:
    return pl.col(name).cast(AMOUNT)


def invoice_rows(
    sides: Sides, customers: pl.DataFrame, jobs: pl.DataFrame, tol: Tolerances
) -> pl.DataFrame:
    """Every invoice of both systems, paired where possible, with its primary ``kind``.

    ``kind`` is null for a pair that agrees within the tolerances; ``detail``
    names every difference of the pair, not only the primary one.
    """
    f = sides.field["invoice"].select(
        pl.col("invoice_id").alias("field_id"),
        pl.col("invoice_number").alias("f_number"),
        pl.col("customer_id").alias("f_cust"),
        pl.col("job_id").alias("f_job"),
        pl.col("invoice_date").alias("f_date"),
        pl.col("due_date").alias("f_due"),
        _amount("total").alias("f_total"),
    )
    e = (
        sides.erp["invoice"]
        .join(customers, left_on="customer_id", right_on="erp_customer_id", how="left")
        .join(jobs, left_on="job_id", right_on="erp_job_id", how="left")
        .select(
            pl.col("invoice_id").alias("erp_id"),
            pl.col("invoice_number").alias("e_number"),
            pl.col("customer_id").alias("e_cust_own"),
            pl.col("field_customer_id").alias("e_cust"),
            pl.col("field_job_id").alias("e_job"),
            pl.col("invoice_date").alias("e_date"),
            pl.col("due_date").alias("e_due"),
            _amount("total").alias("e_total"),
            pl.col("status").alias("e_status"),
        )
    )
    pairs = pair_invoices(sides)
    rows = pl.concat(
        [
            pairs.join(f, on="field_id", how="inner").join(e, on="erp_id", how="inner"),
            f.join(pairs, on="field_id", how="anti"),
            e.join(pairs, on="erp_id", how="anti"),
        ],
        how="diagonal_relaxed",
    )
    both = pl.col("field_id").is_not_null() & pl.col("erp_id").is_not_null()
    amount_diff = both & ((pl.col("f_total") - pl.col("e_total")).abs() > tol.amount)
    days = (pl.col("f_date") - pl.col("e_date")).dt.total_days().abs()
    month_moved = pl.col("f_date").dt.truncate("1mo") != pl.col("e_date").dt.truncate("1mo")
    date_diff = both & ((days > tol.date_days) | month_moved)
    cust_diff = both & pl.col("e_cust").is_not_null() & (pl.col("e_cust") != pl.col("f_cust"))
    job_diff = both & pl.col("e_job").is_not_null() & (pl.col("e_job") != pl.col("f_job"))
    number_diff = both & (pl.col("f_number") != pl.col("e_number"))
    posted = pl.col("e_status") == "posted"
    kind = (
        pl.when(pl.col("erp_id").is_null())
        .then(pl.lit("invoice_only_in_field"))
        .when(pl.col("field_id").is_null())
        .then(pl.lit("invoice_only_in_erp"))
        .when(amount_diff & posted)
        .then(pl.lit("invoice_changed_after_posting"))
        .when(amount_diff)
        .then(pl.lit("invoice_amount_difference"))
        .when(date_diff)
        .then(pl.lit("invoice_date_difference"))
        .when(cust_diff)
        .then(pl.lit("invoice_customer_difference"))
        .when(job_diff)
        .then(pl.lit("invoice_job_difference"))
        .when(number_diff)
        .then(pl.lit("invoice_number_format"))
    )
    detail = pl.concat_str(
        [
            pl.when(amount_diff).then(pl.lit("total differs")),
            pl.when(amount_diff & posted).then(
                pl.lit("ERP invoice is posted: needs a credit memo")
            ),
            pl.when(date_diff).then(
                pl.format(
                    "dated {} days apart", (pl.col("f_date") - pl.col("e_date")).dt.total_days()
                )
            ),
            pl.when(date_diff & month_moved).then(pl.lit("in different months")),
            pl.when(cust_diff).then(pl.lit("different customer")),
            pl.when(job_diff).then(pl.lit("different job")),
            pl.when(number_diff).then(pl.format("numbered {} / {}", "f_number", "e_number")),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    return rows.with_columns(kind.alias("kind"), detail.alias("detail"))


def windowed(
    rows: pl.DataFrame, f_date: str, e_date: str, f_amt: str, e_amt: str, start: date, end: date
) -> pl.DataFrame:
    """Add ``f_in``/``e_in`` (date inside [start, end]) and ``explains`` (field − ERP share)."""
    f_in = pl.col(f_date).is_between(start, end).fill_null(False)
    e_in = pl.col(e_date).is_between(start, end).fill_null(False)
    share = pl.when(f_in).then(pl.col(f_amt).fill_null(ZERO)).otherwise(ZERO) - pl.when(e_in).then(
        pl.col(e_amt).fill_null(ZERO)
    ).otherwise(ZERO)
    return rows.with_columns(
        f_in.alias("f_in"), e_in.alias("e_in"), share.cast(AMOUNT).alias("explains")
    )


def payment_rows(sides: Sides, customers: pl.DataFrame, tol: Tolerances) -> pl.DataFrame:
    """Every payment of both systems, paired where possible, with its ``kind``."""
    f = sides.field["payment"].select(
        pl.col("payment_id").alias("field_id"),
        pl.col("customer_id").alias("f_cust"),
        pl.col("reference").alias("f_number"),
        pl.col("payment_date").alias("f_date"),
        _amount("amount").alias("f_total"),
    )
    e = (
        sides.erp["payment"]
        .join(customers, left_on="customer_id", right_on="erp_customer_id", how="left")
        .select(
            pl.col("payment_id").alias("erp_id"),
            pl.col("customer_id").alias("e_cust_own"),
            pl.col("field_customer_id").alias("e_cust"),
            pl.col("reference").alias("e_number"),
            pl.col("payment_date").alias("e_date"),
            _amount("amount").alias("e_total"),
        )
    )
    pairs = pair_payments(sides, customers)
    rows = pl.concat(
        [
            pairs.join(f, on="field_id", how="inner").join(e, on="erp_id", how="inner"),
            f.join(pairs, on="field_id", how="anti"),
            e.join(pairs, on="erp_id", how="anti"),
        ],
        how="diagonal_relaxed",
    )
    both = pl.col("field_id").is_not_null() & pl.col("erp_id").is_not_null()
    amount_diff = both & ((pl.col("f_total") - pl.col("e_total")).abs() > tol.amount)
    days = (pl.col("f_date") - pl.col("e_date")).dt.total_days().abs()
    month_moved = pl.col("f_date").dt.truncate("1mo") != pl.col("e_date").dt.truncate("1mo")
    kind = (
        pl.when(pl.col("erp_id").is_null())
        .then(pl.lit("payment_only_in_field"))
        .when(pl.col("field_id").is_null())
        .then(pl.lit("payment_only_in_erp"))
        .when(amount_diff)
        .then(pl.lit("payment_amount_difference"))
        .when(both & ((days > tol.date_days) | month_moved))
        .then(pl.lit("payment_date_difference"))
    )
    detail = (
        pl.when(pl.col("field_id").is_null())
        .then(pl.lit("received in the ERP, not recorded in the field system"))
        .when(pl.col("erp_id").is_null())
        .then(pl.lit("recorded in the field system, not in the ERP"))
        .when(amount_diff)
        .then(pl.lit("amount differs"))
        .otherwise(pl.format("dated {} days apart", days))
    )
    return rows.with_columns(kind.alias("kind"), detail.alias("detail"))


def applied_by(sides: Sides, side: str, end: date) -> pl.DataFrame:
    """Per payment and invoice on ``side``: amount applied by payments dated through ``end``."""
    frames = sides.field if side == "field" else sides.erp
    return (
        frames["payment_application"]
        .join(frames["payment"].select("payment_id", "payment_date"), on="payment_id", how="inner")
        .filter(pl.col("payment_date") <= end)
        .select("payment_id", "invoice_id", _amount("amount").alias("applied"))
    )
