"""The month-end tie-out: four measures, each with the exceptions that explain its difference.

Measures (field − ERP, to the cent or the hundredth of an hour):

* **Invoiced** — invoice totals dated in the period.
* **Payments received** — payments dated in the period.
* **AR open at period end** — for invoices dated through the period end, the total
  less what payments dated through the period end applied to them. Computed from
  payment dates rather than today's balance column, so a past month still reads
  as it stood at its end.
* **Field hours** — hours worked in the period (regular + overtime + double time).

Every exception carries ``explains``: its share of its measure's difference. The
summary's ``explained`` is the sum of those shares and ``unexplained`` is what the
listed items do not account for (differences under the tolerances, for example).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from pixissync.errors import InputError
from pixissync.reconcile.inputs import Sides
from pixissync.reconcile.invoices import (
    AMOUNT,
    ZERO,
    applied_by,
    invoice_rows,
    payment_rows,
    windowed,
)
from pixissync.reconcile.pairing import customer_crosswalk, job_crosswalk
from pixissync.reconcile.time import hours_by_job, hours_exceptions
from pixissync.reconcile.tolerances import Tolerances

INVOICED, PAYMENTS, AR, HOURS = (
    "Invoiced",
    "Payments received",
    "AR open at period end",
    "Field hours",
)
MEASURES: tuple[str, ...] = (INVOICED, PAYMENTS, AR, HOURS)

EXCEPTION_SCHEMA = pl.Schema(
    {
        "measure": pl.String(),
        "kind": pl.String(),
        "field_id": pl.String(),
        "erp_id": pl.String(),
        "number": pl.String(),
        "party": pl.String(),
        "field_date": pl.Date(),
        "erp_date": pl.Date(),
        "field_amount": AMOUNT,
        "erp_amount": AMOUNT,
        "explains": AMOUNT,
        "detail": pl.String(),
    }
)
SUMMARY_SCHEMA = pl.Schema(
    {
        "measure": pl.String(),
        "unit": pl.String(),
        "field_total": AMOUNT,
        "erp_total": AMOUNT,
        "difference": AMOUNT,
        "explained": AMOUNT,
        "unexplained": AMOUNT,
        "exceptions": pl.UInt32(),
    }
)


@dataclass(frozen=True)
class Period:
    """A calendar month, ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``YYYY-MM``; raise InputError naming the bad value."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise InputError(f"period {text!r} is not a month written YYYY-MM (e.g. 2026-09)")
        return cls(int(match[1]), int(match[2]))

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Reconciliation:
    """One period's tie-out: summary, exceptions and the breakdowns the console charts."""

    period: str
    snapshot: str
    summary: pl.DataFrame
    exceptions: pl.DataFrame
    by_customer: pl.DataFrame
    by_job: pl.DataFrame
    hours_by_job: pl.DataFrame
    aging: pl.DataFrame
    notes: tuple[str, ...] = ()
    """Measures left out because a connection cannot read what they need."""

    @property
    def unexplained_total(self) -> pl.Series:
        return self.summary["unexplained"]

    def of_kind(self, kind: str, measure: str | None = None) -> pl.DataFrame:
        """The exceptions of one kind (under one measure, if given)."""
        rows = self.exceptions.filter(pl.col("kind") == kind)
        return rows if measure is None else rows.filter(pl.col("measure") == measure)


def _exceptions(
    rows: pl.DataFrame, measure: str, names: pl.DataFrame, keep: pl.Expr
) -> pl.DataFrame:
    cust = pl.coalesce("f_cust", "e_cust")
    return (
        rows.filter(pl.col("kind").is_not_null() & keep)
        .with_columns(cust.alias("cust_id"))
        .join(names, left_on="cust_id", right_on="customer_id", how="left")
        .select(
            pl.lit(measure).alias("measure"),
            "kind",
            "field_id",
            "erp_id",
            pl.coalesce("f_number", "e_number").alias("number"),
            pl.coalesce("name", "cust_id", "e_cust_own").alias("party"),
            pl.col("f_date").alias("field_date"),
            pl.col("e_date").alias("erp_date"),
            pl.col("f_total").alias("field_amount"),
            pl.col("e_total").alias("erp_amount"),
            "explains",
            "detail",
        )
        .cast(EXCEPTION_SCHEMA)
    )


def _summary_line(
    measure: str,
    unit: str,
    field_total: pl.Expr,
    erp_total: pl.Expr,
    rows: pl.DataFrame,
    exceptions: pl.DataFrame,
) -> pl.DataFrame:
    totals = rows.select(field_total.cast(AMOUNT).alias("f"), erp_total.cast(AMOUNT).alias("e"))
    explained = exceptions.filter(pl.col("measure") == measure)
    return (
        pl.DataFrame(
            {
                "measure": [measure],
                "unit": [unit],
                "field_total": totals["f"],
                "erp_total": totals["e"],
            }
        )
        .with_columns(
            (pl.col("field_total") - pl.col("erp_total")).cast(AMOUNT).alias("difference"),
            pl.lit(explained["explains"].sum()).cast(AMOUNT).alias("explained"),
        )
        .with_columns(
            (pl.col("difference") - pl.col("explained")).cast(AMOUNT).alias("unexplained"),
            pl.lit(explained.height, dtype=pl.UInt32).alias("exceptions"),
        )
    )


def _ar_rows(
    sides: Sides, inv: pl.DataFrame, pay: pl.DataFrame, end: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Per-invoice AR at period end, invoice-level shares, and payment-level shares."""
    origin = date(1900, 1, 1)
    f_app = applied_by(sides, "field", end)
    e_app = applied_by(sides, "erp", end)
    f_paid = f_app.group_by("invoice_id").agg(pl.col("applied").sum().alias("f_paid"))
    e_paid = e_app.group_by("invoice_id").agg(pl.col("applied").sum().alias("e_paid"))
    ar = (
        windowed(inv, "f_date", "e_date", "f_total", "e_total", origin, end)
        .join(f_paid, left_on="field_id", right_on="invoice_id", how="left")
        .join(e_paid, left_on="erp_id", right_on="invoice_id", how="left")
        .with_columns(
            pl.when("f_in")
            .then(pl.col("f_total") - pl.col("f_paid").fill_null(ZERO))
            .otherwise(ZERO)
            .cast(AMOUNT)
            .alias("f_open"),
            pl.when("e_in")
            .then(pl.col("e_total") - pl.col("e_paid").fill_null(ZERO))
            .otherwise(ZERO)
            .cast(AMOUNT)
            .alias("e_open"),
        )
    )
    # Applications count only toward invoices that are dated through the period end.
    f_in = ar.filter("f_in").select(pl.col("field_id").alias("invoice_id"))
    e_in = ar.filter("e_in").select(pl.col("erp_id").alias("invoice_id"))
    f_net = (
        f_app.join(f_in, on="invoice_id", how="semi")
        .group_by("payment_id")
        .agg(pl.col("applied").sum().alias("f_applied"))
    )
    e_net = (
        e_app.join(e_in, on="invoice_id", how="semi")
        .group_by("payment_id")
        .agg(pl.col("applied").sum().alias("e_applied"))
    )
    # A payment lowers AR: one the ERP holds and the field lacks leaves field AR higher.
    pay_share = (
        pay.join(f_net, left_on="field_id", right_on="payment_id", how="left")
        .join(e_net, left_on="erp_id", right_on="payment_id", how="left")
        .with_columns(
            (pl.col("e_applied").fill_null(ZERO) - pl.col("f_applied").fill_null(ZERO))
            .cast(AMOUNT)
            .alias("explains")
        )
        .filter(pl.col("explains") != 0)
        .with_columns(
            pl.col("kind").fill_null(pl.lit("payment_application_difference")),
            pl.col("detail").fill_null(
                pl.lit("applied to an invoice one side dates after the period end")
            ),
        )
    )
    return ar, ar.filter(pl.col("explains") != 0), pay_share


def _aging(ar: pl.DataFrame, end: date) -> pl.DataFrame:
    buckets = ["current", "1-30", "31-60", "61-90", "over 90"]

    def side(name: str, open_col: str, due: str) -> pl.DataFrame:
        late = (pl.lit(end) - pl.col(due)).dt.total_days()
        bucket = (
            pl.when(late <= 0)
            .then(pl.lit("current"))
            .when(late <= 30)
            .then(pl.lit("1-30"))
            .when(late <= 60)
            .then(pl.lit("31-60"))
            .when(late <= 90)
            .then(pl.lit("61-90"))
            .otherwise(pl.lit("over 90"))
        )
        got = (
            ar.filter(pl.col(open_col) != 0)
            .group_by(bucket.alias("bucket"))
            .agg(pl.col(open_col).sum().cast(AMOUNT).alias("balance"))
        )
        grid = pl.DataFrame({"bucket": buckets})
        return grid.join(got, on="bucket", how="left").select(
            pl.lit(name).alias("system"), "bucket", pl.col("balance").fill_null(ZERO)
        )

    return pl.concat([side("field", "f_open", "f_due"), side("erp", "e_open", "e_due")])


def _by(rows: pl.DataFrame, key_f: str, key_e: str, name: str) -> pl.DataFrame:
    f = (
        rows.filter("f_in")
        .group_by(pl.col(key_f).alias(name))
        .agg(pl.col("f_total").sum().alias("field_total"))
    )
    e = (
        rows.filter("e_in")
        .group_by(pl.col(key_e).alias(name))
        .agg(pl.col("e_total").sum().alias("erp_total"))
    )
    return (
        f.join(e, on=name, how="full", coalesce=True)
        .with_columns(pl.col("field_total", "erp_total").fill_null(ZERO).cast(AMOUNT))
        .with_columns(
            (pl.col("field_total") - pl.col("erp_total")).cast(AMOUNT).alias("difference")
        )
        .sort(name)
    )


_NEEDS: dict[str, tuple[str, ...]] = {
    INVOICED: ("invoice",),
    PAYMENTS: ("payment",),
    AR: ("invoice", "payment", "payment_application"),
    HOURS: ("time_entry",),
}


def _left_out(sides: Sides) -> dict[str, str]:
    """Measure -> why it is left out (a side cannot read an entity it needs)."""
    out: dict[str, str] = {}
    for measure, entities in _NEEDS.items():
        gaps = [f"{side}.{e}" for e in entities for side in ("field", "erp")]
        unread = [g for g in gaps if g in sides.missing]
        if unread:
            out[measure] = f"{measure}: left out, the connection cannot read {', '.join(unread)}"
    return out


def tie_out(sides: Sides, period: Period | str, tol: Tolerances | None = None) -> Reconciliation:
    """Reconcile ``period`` between the two sides (see the module docstring)."""
    month = Period.parse(period) if isinstance(period, str) else period
    tol = tol or Tolerances()
    start, end = month.start, month.end
    customers = customer_crosswalk(sides)
    jobs = job_crosswalk(sides)
    names = sides.field["customer"].select("customer_id", "name")
    inv_all = invoice_rows(sides, customers, jobs, tol)
    inv = windowed(inv_all, "f_date", "e_date", "f_total", "e_total", start, end)
    pay_all = payment_rows(sides, customers, tol)
    pay = windowed(pay_all, "f_date", "e_date", "f_total", "e_total", start, end)
    ar, ar_inv, ar_pay = _ar_rows(sides, inv_all, pay_all, end)
    in_period = pl.col("f_in") | pl.col("e_in")
    hours_rows, hours_exc = hours_exceptions(sides, start, end)
    exceptions = pl.concat(
        [
            _exceptions(inv, INVOICED, names, in_period),
            _exceptions(pay, PAYMENTS, names, in_period),
            _exceptions(ar_inv, AR, names, pl.lit(True)),
            _exceptions(ar_pay, AR, names, pl.lit(True)),
            hours_exc.cast(EXCEPTION_SCHEMA),
        ]
    )
    summary = pl.concat(
        [
            _summary_line(
                INVOICED,
                "money",
                pl.col("f_total").filter("f_in").sum(),
                pl.col("e_total").filter("e_in").sum(),
                inv,
                exceptions,
            ),
            _summary_line(
                PAYMENTS,
                "money",
                pl.col("f_total").filter("f_in").sum(),
                pl.col("e_total").filter("e_in").sum(),
                pay,
                exceptions,
            ),
            _summary_line(
                AR, "money", pl.col("f_open").sum(), pl.col("e_open").sum(), ar, exceptions
            ),
            _summary_line(
                HOURS,
                "hours",
                pl.col("f_hours").sum(),
                pl.col("e_hours").sum(),
                hours_rows,
                exceptions,
            ),
        ]
    ).cast(SUMMARY_SCHEMA)
    left_out = _left_out(sides)
    if left_out:
        summary = summary.filter(~pl.col("measure").is_in(list(left_out)))
        exceptions = exceptions.filter(~pl.col("measure").is_in(list(left_out)))
    field_jobs = sides.field["job"].select(pl.col("job_id").alias("f_job"), pl.col("job_number"))
    inv_jobs = (
        inv.join(field_jobs, on="f_job", how="left")
        .join(
            sides.erp["invoice"].select(
                pl.col("invoice_id").alias("erp_id"), pl.col("job_id").alias("e_job_own")
            ),
            on="erp_id",
            how="left",
        )
        .join(
            sides.erp["job"].select(
                pl.col("job_id").alias("e_job_own"), pl.col("job_number").alias("e_job_number")
            ),
            on="e_job_own",
            how="left",
        )
    )
    # An ERP customer no field customer maps to is shown under its own id.
    erp_key = pl.coalesce("e_cust", pl.lit("erp:") + pl.col("e_cust_own")).alias("e_cust_key")
    by_customer = (
        _by(inv.with_columns(erp_key), "f_cust", "e_cust_key", "customer_id")
        .join(names, on="customer_id", how="left")
        .select(
            "customer_id",
            pl.col("name").alias("customer"),
            "field_total",
            "erp_total",
            "difference",
        )
    )
    return Reconciliation(
        period=str(month),
        snapshot=sides.snapshot,
        summary=summary,
        exceptions=exceptions.sort("measure", "kind", "field_id", "erp_id", nulls_last=True),
        by_customer=by_customer,
        by_job=_by(inv_jobs, "job_number", "e_job_number", "job_number"),
        hours_by_job=hours_by_job(hours_rows),
        aging=_aging(ar, end) if AR not in left_out else _aging(ar.clear(), end),
        notes=tuple(left_out.values()),
    )
