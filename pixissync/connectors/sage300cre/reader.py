"""Sage 300 CRE tables into frames with canonical column names (not yet conformed).

Column names follow the Timberline ODBC dictionary as the reference gives them;
where it is silent (addresses, e-mail, pay rate, ``Amount_Type`` words) the
names are our inference, and a missing column reads as empty rather than failing.

"Changed since" uses ``date_stamp``/``time_stamp`` (server-local): masters and
time are filtered by ``date_stamp`` in SQL, then to the second in Polars. AR is
read whole and filtered per invoice, because an invoice's balance depends on
every receipt and adjustment row it has.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from pixissync.connectors.sage300cre.config import Sage300Settings
from pixissync.connectors.sage300cre.odbc import Logical, TimberlineSource

CUSTOMER: Logical = ("ARM", "MASTER", "CUSTOMER")
JOB: Logical = ("JCM", "MASTER", "JOB")
COST_CODE: Logical = ("JCM", "MASTER", "COST_CODE")
STANDARD_COST_CODE: Logical = ("JCM", "MASTER", "STANDARD_COST_CODE")
AR_TRANSACTION: Logical = ("ART", "CURRENT", "TRANSACTION")
AR_ACTIVITY: Logical = ("ARA", "ACTIVITY", "ACTIVITY")
JC_TRANSACTION: Logical = ("JCT", "CURRENT", "TRANSACTION")
EMPLOYEE: Logical = ("PRM", "MASTER", "EMPLOYEE")

_S, _D = pl.String(), pl.Date()
_M = pl.Decimal(12, 2)
_STAMPS = {"date_stamp": _D, "time_stamp": _S}
_JOB_STATUS = {"in progress": "open", "unstarted": "pending", "closed": "closed"}
# [I] ART Transaction_Type / Amount_Type words.
INVOICE, RECEIPT, ADJUSTMENT, SALES_TAX = "Invoice", "Cash receipt", "Adjustment", "Sales tax"
PR_COST = "PR cost"


def _stamp(s: Sage300Settings) -> pl.Expr:
    """``date_stamp`` + ``time_stamp`` (server-local) as a UTC timestamp."""
    clock = pl.col("time_stamp").cast(pl.String).str.slice(0, 8).fill_null("00:00:00")
    return (
        pl.concat_str([pl.col("date_stamp").cast(pl.String), clock], separator=" ")
        .str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
        .dt.replace_time_zone(s.timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )


def _since_sql(
    source: TimberlineSource, table: Logical, since: datetime | None
) -> tuple[str, list[object]]:
    if since is None:
        return "", []
    first = source.resolve(table)[0]
    if "date_stamp" not in {c.lower() for c in source.columns(first)}:
        return "", []
    local = since.astimezone(source.settings.zone).date()
    return '"date_stamp" >= ?', [local]


def _after(frame: pl.DataFrame, since: datetime | None) -> pl.DataFrame:
    return frame if since is None else frame.filter(pl.col("updated_at") > since)


def customers(source: TimberlineSource, since: datetime | None) -> pl.DataFrame:
    where, params = _since_sql(source, CUSTOMER, since)
    cols = {
        "Customer": _S,
        "Name": _S,
        "Address_1": _S,
        "Address_2": _S,
        "City": _S,
        "State": _S,
        "ZIP_Code": _S,
        "Telephone": _S,
        "Email": _S,
        "Status": _S,
        **_STAMPS,
    }
    raw = source.read(
        CUSTOMER, list(cols), key=["Customer"], where=where, params=params, schema=cols
    )
    return _after(
        raw.select(
            pl.col("Customer").alias("customer_id"),
            pl.col("Name").alias("name"),
            pl.col("Address_1").alias("address1"),
            pl.col("Address_2").alias("address2"),
            pl.col("City").alias("city"),
            pl.col("State").alias("state"),
            pl.col("ZIP_Code").alias("postal_code"),
            pl.col("Telephone").alias("phone"),
            pl.col("Email").alias("email"),
            pl.col("Status").str.to_lowercase().alias("status"),
            _stamp(source.settings).alias("updated_at"),
        ),
        since,
    )


def jobs(source: TimberlineSource, since: datetime | None) -> pl.DataFrame:
    where, params = _since_sql(source, JOB, since)
    cols = {
        "Job": _S,
        "Description": _S,
        "Customer": _S,
        "Status": _S,
        "Address_1": _S,
        "City": _S,
        "State": _S,
        "ZIP_Code": _S,
        **_STAMPS,
    }
    raw = source.read(JOB, list(cols), key=["Job"], where=where, params=params, schema=cols)
    status = pl.col("Status").str.to_lowercase()
    return _after(
        raw.select(
            pl.col("Job").alias("job_id"),
            pl.col("Job").alias("job_number"),
            pl.col("Description").alias("name"),
            pl.col("Customer").alias("customer_id"),
            pl.col("Address_1").alias("address1"),
            pl.col("City").alias("city"),
            pl.col("State").alias("state"),
            pl.col("ZIP_Code").alias("postal_code"),
            status.replace_strict(_JOB_STATUS, default=status).alias("status"),
            _stamp(source.settings).alias("updated_at"),
        ),
        since,
    )


def job_cost_codes(source: TimberlineSource) -> pl.DataFrame:
    """Every (Job, Extra, Cost_Code) set up in job cost: what an import may reference."""
    cols = {"Job": _S, "Extra": _S, "Cost_Code": _S, "Description": _S}
    return source.read(COST_CODE, list(cols), key=["Job", "Extra", "Cost_Code"], schema=cols)


def cost_codes(source: TimberlineSource) -> pl.DataFrame:
    if source.has(STANDARD_COST_CODE):
        cols = {"Cost_Code": _S, "Description": _S}
        raw = source.read(STANDARD_COST_CODE, list(cols), key=["Cost_Code"], schema=cols)
    else:
        raw = job_cost_codes(source).select("Cost_Code", "Description")
    return raw.unique("Cost_Code", keep="first", maintain_order=True).select(
        pl.col("Cost_Code").alias("cost_code"), pl.col("Description").alias("description")
    )


def employees(source: TimberlineSource) -> pl.DataFrame:
    cols = {
        "Employee": _S,
        "First_Name": _S,
        "Last_Name": _S,
        "Status": _S,
        "Pay_Rate": _M,
        **_STAMPS,
    }
    raw = source.read(EMPLOYEE, list(cols), key=["Employee"], schema=cols)
    return raw.select(
        pl.col("Employee").alias("employee_id"),
        pl.col("First_Name").alias("first_name"),
        pl.col("Last_Name").alias("last_name"),
        pl.col("Status").str.to_lowercase().alias("status"),
        pl.col("Pay_Rate").alias("pay_rate"),
        _stamp(source.settings).alias("updated_at"),
    )


def _ar_rows(source: TimberlineSource) -> pl.DataFrame:
    cols = {
        "Customer": _S,
        "Job": _S,
        "Invoice": _S,
        "Draw": _S,
        "Transaction_Type": _S,
        "Amount_Type": _S,
        "Amount": _M,
        "Retainage": _M,
        "Cash_Receipt": _S,
        "Deposit_Date": _D,
        "Accounting_Date": _D,
        **_STAMPS,
    }
    raw = source.read(AR_TRANSACTION, list(cols), key=["Customer", "Invoice"], schema=cols)
    return raw.with_columns(
        (pl.col("Customer") + "/" + pl.col("Invoice")).alias("invoice_id"),
        _stamp(source.settings).alias("updated_at"),
    )


def invoices(source: TimberlineSource, since: datetime | None) -> pl.DataFrame:
    rows = _ar_rows(source)
    kind = pl.col("Transaction_Type")
    zero = pl.lit(0, dtype=_M)
    per = (
        rows.group_by("invoice_id", maintain_order=True)
        .agg(
            pl.col("Customer").first().alias("customer_id"),
            pl.col("Invoice").first().alias("invoice_number"),
            pl.col("Job").filter(kind == INVOICE).first().alias("job_id"),
            pl.col("Amount").filter(kind == INVOICE).sum().alias("total"),
            pl.col("Amount")
            .filter((kind == INVOICE) & (pl.col("Amount_Type") == SALES_TAX))
            .sum()
            .alias("tax"),
            pl.col("Amount").filter(kind == RECEIPT).sum().alias("received"),
            pl.col("Amount").filter(kind == ADJUSTMENT).sum().alias("adjusted"),
            pl.col("Accounting_Date").filter(kind == INVOICE).min().alias("Accounting_Date"),
            (kind == INVOICE).any().alias("is_invoice"),
            pl.col("updated_at").max(),
        )
        .filter("is_invoice")
    )
    dates = _activity_dates(source)
    out = per.join(dates, on=["customer_id", "invoice_number"], how="left")
    out = out.with_columns(
        pl.coalesce("invoice_date", "Accounting_Date").alias("invoice_date"),
        pl.col("tax").fill_null(zero).cast(_M),
        (pl.col("total") - pl.col("tax").fill_null(zero)).cast(_M).alias("subtotal"),
        (pl.col("total") + pl.col("adjusted").fill_null(zero) - pl.col("received").fill_null(zero))
        .cast(_M)
        .alias("balance"),
    ).with_columns(
        pl.when(pl.col("balance") == 0)
        .then(pl.lit("paid"))
        .otherwise(pl.lit("open"))
        .alias("status")
    )
    return _after(out, since)


def _activity_dates(source: TimberlineSource) -> pl.DataFrame:
    cols = {"Customer": _S, "Invoice": _S, "Invoice_Date": _D, "Due_Date": _D}
    schema = {"customer_id": _S, "invoice_number": _S, "invoice_date": _D, "due_date": _D}
    if not source.has(AR_ACTIVITY):
        return pl.DataFrame(schema=schema)
    raw = source.read(AR_ACTIVITY, list(cols), key=["Customer", "Invoice"], schema=cols)
    return (
        raw.group_by("Customer", "Invoice")
        .agg(pl.col("Invoice_Date").min(), pl.col("Due_Date").max())
        .rename(
            {
                "Customer": "customer_id",
                "Invoice": "invoice_number",
                "Invoice_Date": "invoice_date",
                "Due_Date": "due_date",
            }
        )
    )


def _receipts(source: TimberlineSource) -> pl.DataFrame:
    return (
        _ar_rows(source)
        .filter(pl.col("Transaction_Type") == RECEIPT)
        .with_columns(
            pl.concat_str(
                [
                    pl.col("Customer"),
                    pl.col("Cash_Receipt"),
                    pl.col("Deposit_Date").cast(pl.String),
                ],
                separator="/",
                ignore_nulls=True,
            ).alias("payment_id")
        )
    )


def payments(source: TimberlineSource, since: datetime | None) -> pl.DataFrame:
    per = (
        _receipts(source)
        .group_by("payment_id", maintain_order=True)
        .agg(
            pl.col("Customer").first().alias("customer_id"),
            pl.col("Deposit_Date").first().alias("payment_date"),
            pl.col("Amount").sum().cast(_M).alias("amount"),
            pl.col("Cash_Receipt").first().alias("reference"),
            pl.col("updated_at").max(),
        )
    )
    return _after(per.with_columns(pl.lit("check").alias("method")), since)


def payment_applications(source: TimberlineSource) -> pl.DataFrame:
    return (
        _receipts(source)
        .group_by("payment_id", "invoice_id", maintain_order=True)
        .agg(pl.col("Amount").sum().cast(_M).alias("amount"))
    )


def pr_time_rows(source: TimberlineSource, since: datetime | None) -> pl.DataFrame:
    """Job cost rows that came from payroll (``Transaction_Type 'PR cost'``)."""
    where, params = _since_sql(source, JC_TRANSACTION, since)
    condition = '"Transaction_Type" = ?' + (f" AND {where}" if where else "")
    cols = {
        "Job": _S,
        "Extra": _S,
        "Cost_Code": _S,
        "Category": _S,
        "Transaction_Type": _S,
        "Date": _D,
        "Employee": _S,
        "Pay_ID": _S,
        "Units": pl.Decimal(7, 2),
        "Description": _S,
        **_STAMPS,
    }
    raw = source.read(
        JC_TRANSACTION,
        list(cols),
        key=["Job", "Cost_Code"],
        where=condition,
        params=[PR_COST, *params],
        schema=cols,
    )
    return raw.with_columns(_stamp(source.settings).alias("updated_at"))


def natural_key() -> pl.Expr:
    return pl.concat_str(
        [pl.col(c).cast(pl.String) for c in ("Employee", "Date", "Job", "Extra", "Cost_Code")],
        separator="|",
        ignore_nulls=False,
    ).fill_null(
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in ("Employee", "Date", "Job", "Cost_Code")],
            separator="|",
            ignore_nulls=True,
        )
    )


def time_entries(rows: pl.DataFrame, s: Sage300Settings, since: datetime | None) -> pl.DataFrame:
    """Fold PR cost rows into canonical entries: ours by reference, others by day and code."""
    ours = pl.col("Description").str.starts_with("pxs:").fill_null(False)
    keyed = rows.with_columns(
        pl.when(ours).then(pl.col("Description")).otherwise(natural_key()).alias("entry_id"),
        pl.when(ours).then(pl.col("Description")).otherwise(None).alias("external_ref"),
    )
    hours = [
        pl.col("Units").filter(pl.col("Pay_ID") == pay).sum().cast(pl.Decimal(7, 2)).alias(col)
        for col, pay in s.pay_ids.items()
    ]
    out = keyed.group_by("entry_id", maintain_order=True).agg(
        pl.col("Employee").first().alias("employee_id"),
        pl.col("Job").first().alias("job_id"),
        pl.col("Cost_Code").first().alias("cost_code"),
        pl.col("Date").first().alias("work_date"),
        pl.col("external_ref").first(),
        pl.col("updated_at").max(),
        *hours,
    )
    return _after(
        out.with_columns(pl.col("job_id").alias("job_number"), pl.lit(True).alias("approved")),
        since,
    )
