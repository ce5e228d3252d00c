"""Field hours against the ERP's payroll/job-cost hours, by entry, job and cost code."""

from __future__ import annotations

from datetime import date

import polars as pl

from pixissync.reconcile.inputs import Sides
from pixissync.reconcile.invoices import AMOUNT, ZERO
from pixissync.reconcile.pairing import pair_time_entries, time_keys

_MEASURE = "Field hours"


def hours_exceptions(sides: Sides, start: date, end: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-entry hours in the period on both sides, and the unpaired entries as exceptions.

    An entry the field holds and the ERP lacks is classified by why it is missing:
    its employee or cost code is unknown to the ERP, or it is simply not posted yet.

    Returns:
        ``(rows, exceptions)``: rows have ``job_number, cost_code, f_hours, e_hours``.
    """
    f = time_keys(sides.field["time_entry"], "field_id").filter(
        pl.col("work_date").is_between(start, end)
    )
    e = time_keys(sides.erp["time_entry"], "erp_id").filter(
        pl.col("work_date").is_between(start, end)
    )
    pairs = pair_time_entries(sides)
    rows = pl.concat(
        [
            f.select("job_number", "cost_code", pl.col("hours").alias("f_hours")),
            e.select("job_number", "cost_code", pl.col("hours").alias("e_hours")),
        ],
        how="diagonal_relaxed",
    ).with_columns(pl.col("f_hours", "e_hours").fill_null(ZERO).cast(AMOUNT))
    employees = sides.erp["employee"]["employee_id"]
    codes = sides.erp["cost_code"]["cost_code"]
    # An ERP whose connector reads no employees (or cost codes) cannot say one is
    # unknown: such entries are plainly "not posted", never blamed on the list.
    known_emp = pl.col("employee_id").is_in(employees.implode()) | (employees.len() == 0)
    known_code = pl.col("cost_code").is_in(codes.implode()) | (codes.len() == 0)
    only_f = (
        f.join(pairs, on="field_id", how="anti")
        .with_columns(known_emp.alias("known_emp"), known_code.alias("known_code"))
        .with_columns(
            pl.when(~pl.col("known_emp"))
            .then(pl.lit("time_entry_unknown_employee"))
            .when(~pl.col("known_code"))
            .then(pl.lit("time_entry_unknown_cost_code"))
            .otherwise(pl.lit("time_entry_only_in_field"))
            .alias("kind"),
            pl.when(~pl.col("known_emp"))
            .then(pl.format("employee {} is not in the ERP's payroll", "employee_id"))
            .when(~pl.col("known_code"))
            .then(pl.format("cost code {} is not in the ERP", "cost_code"))
            .otherwise(pl.lit("not posted to the ERP yet"))
            .alias("detail"),
        )
    )
    only_e = e.join(pairs, on="erp_id", how="anti").with_columns(
        pl.lit("time_entry_only_in_erp").alias("kind"),
        pl.lit("in ERP payroll/job cost, not in the field system").alias("detail"),
    )
    exc = pl.concat(
        [
            only_f.select(
                "kind",
                "field_id",
                pl.lit(None, pl.String).alias("erp_id"),
                pl.col("work_date").alias("field_date"),
                pl.lit(None, pl.Date).alias("erp_date"),
                pl.col("hours").alias("field_amount"),
                pl.lit(None, AMOUNT).alias("erp_amount"),
                pl.col("hours").alias("explains"),
                "detail",
                "job_number",
                "cost_code",
                "employee_id",
            ),
            only_e.select(
                "kind",
                pl.lit(None, pl.String).alias("field_id"),
                "erp_id",
                pl.lit(None, pl.Date).alias("field_date"),
                pl.col("work_date").alias("erp_date"),
                pl.lit(None, AMOUNT).alias("field_amount"),
                pl.col("hours").alias("erp_amount"),
                (-pl.col("hours")).alias("explains"),
                "detail",
                "job_number",
                "cost_code",
                "employee_id",
            ),
        ],
        how="vertical_relaxed",
    )
    exc = exc.select(
        pl.lit(_MEASURE).alias("measure"),
        "kind",
        "field_id",
        "erp_id",
        pl.format("job {} / {}", "job_number", "cost_code").alias("number"),
        pl.format("employee {}", "employee_id").alias("party"),
        "field_date",
        "erp_date",
        pl.col("field_amount").cast(AMOUNT),
        pl.col("erp_amount").cast(AMOUNT),
        pl.col("explains").cast(AMOUNT),
        "detail",
    )
    return rows, exc


def hours_by_job(rows: pl.DataFrame) -> pl.DataFrame:
    """Hours by job and cost code on both sides, with the difference."""
    return (
        rows.group_by("job_number", "cost_code")
        .agg(
            pl.col("f_hours").sum().cast(AMOUNT).alias("field_hours"),
            pl.col("e_hours").sum().cast(AMOUNT).alias("erp_hours"),
        )
        .with_columns(
            (pl.col("field_hours") - pl.col("erp_hours")).cast(AMOUNT).alias("difference")
        )
        .sort("job_number", "cost_code")
    )
