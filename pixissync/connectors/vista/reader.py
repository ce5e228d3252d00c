"""Reads from Vista into frames with canonical column names (not yet conformed).

Every query is SQLAlchemy Core paged by keyset on ``KeyID`` (``WHERE KeyID > :last
ORDER BY KeyID`` with ``TOP n`` on SQL Server), so a read never holds a long scan
or skips rows when others insert meanwhile.

What "changed since" means per entity, because Vista has no modified column:

* customers, jobs: a ``bHQMA`` audit row after ``since`` (see :mod:`.audit`);
* invoices, payments, time entries: posted in a batch whose ``bHQBC.DatePosted``
  is on or after ``since``'s server-local date; ``updated_at`` is the end of the
  posting day, because Vista keeps only the date;
* cost codes, employees: always read whole (small masters, no audit).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pixissync.connectors.vista import audit
from pixissync.connectors.vista.config import VistaSettings
from pixissync.connectors.vista.tables import (
    bARCM,
    bARTH,
    bARTL,
    bHQBC,
    bJCCM,
    bJCJM,
    bJCPM,
    bPREH,
    bPRTH,
)

_JOB_STATUS = {0: "pending", 1: "open", 2: "soft_closed", 3: "closed"}


def keyset_pages(
    conn: Connection, stmt: sa.Select[Any], key: sa.ColumnElement[Any], page_size: int
) -> Iterator[Sequence[Row[Any]]]:
    """Yield pages of ``stmt`` ordered by ``key``, each starting after the last key seen."""
    last: Any = None
    while True:
        page = stmt.order_by(key).limit(page_size)
        if last is not None:
            page = page.where(key > last)
        rows = conn.execute(page).all()
        if not rows:
            return
        yield rows
        if len(rows) < page_size:
            return
        last = rows[-1]._mapping["KeyID"]


def read_frame(
    conn: Connection,
    stmt: sa.Select[Any],
    key: sa.ColumnElement[Any],
    page_size: int,
    schema: dict[str, pl.DataType],
) -> pl.DataFrame:
    """All pages of ``stmt`` as one frame with the given column types."""
    frames = [
        pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
        for rows in keyset_pages(conn, stmt, key, page_size)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


_S, _I, _D = pl.String(), pl.Int64(), pl.Date()
_M = pl.Decimal(12, 2)


def customers(conn: Connection, s: VistaSettings, since: datetime | None) -> pl.DataFrame:
    """``bARCM`` customers of the customer group; ``updated_at`` from the audit."""
    changed = audit.changed_keys(conn, "bARCM", s.cust_group, s.zone, since)
    c = bARCM.c
    stmt = sa.select(
        c.KeyID,
        c.Customer,
        c.Name,
        c.BillAddress,
        c.BillAddress2,
        c.BillCity,
        c.BillState,
        c.BillZip,
        c.Phone,
        c.EMail,
        c.Status,
        c.udPixisRef,
    ).where(c.CustGroup == s.cust_group)
    schema = {
        "KeyID": _I,
        "customer_id": _I,
        "name": _S,
        "address1": _S,
        "address2": _S,
        "city": _S,
        "state": _S,
        "postal_code": _S,
        "phone": _S,
        "email": _S,
        "status": _S,
        "external_ref": _S,
    }
    frame = _with_ids(read_frame(conn, stmt, c.KeyID, s.page_size, schema), "customer_id")
    frame = frame.with_columns(
        pl.col("status").replace_strict({"A": "active", "I": "inactive"}, default="on hold")
    )
    return _join_changed(frame, changed, "customer_id", since)


def jobs(conn: Connection, s: VistaSettings, since: datetime | None) -> pl.DataFrame:
    """``bJCJM`` jobs with the customer of their contract (``bJCCM``)."""
    changed = audit.changed_keys(conn, "bJCJM", s.co, s.zone, since)
    j, m = bJCJM.c, bJCCM.c
    stmt = (
        sa.select(
            j.KeyID,
            j.Job,
            j.Description,
            m.Customer,
            j.MailAddress,
            j.MailCity,
            j.MailState,
            j.MailZip,
            j.JobStatus,
            j.udPixisRef,
        )
        .select_from(bJCJM.outerjoin(bJCCM, sa.and_(m.JCCo == j.JCCo, m.Contract == j.Contract)))
        .where(j.JCCo == s.co)
    )
    schema = {
        "KeyID": _I,
        "job_id": _S,
        "name": _S,
        "customer_id": _I,
        "address1": _S,
        "city": _S,
        "state": _S,
        "postal_code": _S,
        "JobStatus": _I,
        "external_ref": _S,
    }
    frame = read_frame(conn, stmt, j.KeyID, s.page_size, schema).with_columns(
        pl.col("job_id").str.strip_chars(),
        pl.col("customer_id").cast(pl.String),
        pl.col("job_id").str.strip_chars().alias("job_number"),
        pl.col("JobStatus")
        .replace_strict(_JOB_STATUS, default=None, return_dtype=_S)
        .alias("status"),
    )
    return _join_changed(frame, changed, "job_id", since).drop("JobStatus")


def _with_ids(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).cast(pl.String).str.strip_chars())


def _join_changed(
    frame: pl.DataFrame, changed: pl.DataFrame, key: str, since: datetime | None
) -> pl.DataFrame:
    joined = frame.join(
        changed.rename({"key": key}),
        on=key,
        how="inner" if since is not None else "left",
        coalesce=True,
        maintain_order="left",
    )
    return joined.drop("KeyID")


def _posted_since(s: VistaSettings, since: datetime | None) -> list[sa.ColumnElement[bool]]:
    if since is None:
        return []
    return [bHQBC.c.DatePosted >= audit.to_server_time(since, s.zone).date()]


def _trans(conn: Connection, s: VistaSettings, kind: str, since: datetime | None) -> pl.DataFrame:
    h, b = bARTH.c, bHQBC.c
    stmt = (
        sa.select(
            h.KeyID,
            h.Mth,
            h.ARTrans,
            h.Customer,
            h.Contract,
            h.Invoice,
            h.CheckNo,
            h.TransDate,
            h.DueDate,
            h.Invoiced,
            h.AmountDue,
            h.udPixisRef,
            b.DatePosted,
        )
        .select_from(
            bARTH.outerjoin(bHQBC, sa.and_(b.Co == h.ARCo, b.Mth == h.Mth, b.BatchId == h.BatchId))
        )
        .where(h.ARCo == s.co, h.ARTransType == kind, *_posted_since(s, since))
    )
    schema = {
        "KeyID": _I,
        "Mth": _D,
        "ARTrans": _I,
        "customer_id": _I,
        "job_id": _S,
        "invoice_number": _S,
        "reference": _S,
        "TransDate": _D,
        "due_date": _D,
        "total": _M,
        "balance": _M,
        "external_ref": _S,
        "DatePosted": _D,
    }
    return read_frame(conn, stmt, h.KeyID, s.page_size, schema).with_columns(
        _trans_id("Mth", "ARTrans").alias("id"),
        pl.col("customer_id").cast(pl.String),
        pl.col("job_id").str.strip_chars(),
        pl.col("invoice_number").str.strip_chars(),
        _posted_at(s, "DatePosted").alias("updated_at"),
    )


def _trans_id(mth: str, trans: str) -> pl.Expr:
    return pl.col(mth).dt.strftime("%Y-%m") + "/" + pl.col(trans).cast(pl.String)


def _posted_at(s: VistaSettings, column: str) -> pl.Expr:
    """When a posted row is known to exist: the end of its posting day (server-local).

    ``DatePosted`` has no time of day, so the row counts as changed until that day
    is over; "since" compares against this, so no posting is ever missed.
    """
    return (
        (pl.col(column) + pl.duration(days=1))
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone(s.server_timezone, non_existent="null", ambiguous="earliest")
        .dt.convert_time_zone("UTC")
    )


def _lines(conn: Connection, s: VistaSettings, kind: str) -> pl.DataFrame:
    ln, h = bARTL.c, bARTH.c
    stmt = (
        sa.select(
            ln.KeyID,
            ln.Mth,
            ln.ARTrans,
            ln.ARLine,
            ln.Description,
            ln.UnitPrice,
            ln.Amount,
            ln.TaxAmount,
            ln.Phase,
            ln.GLAcct,
            ln.ApplyMth,
            ln.ApplyTrans,
        )
        .select_from(
            bARTL.join(bARTH, sa.and_(h.ARCo == ln.ARCo, h.Mth == ln.Mth, h.ARTrans == ln.ARTrans))
        )
        .where(ln.ARCo == s.co, h.ARTransType == kind)
    )
    schema = {
        "KeyID": _I,
        "Mth": _D,
        "ARTrans": _I,
        "line_no": pl.Int32(),
        "description": _S,
        "unit_price": pl.Decimal(16, 5),
        "amount": _M,
        "TaxAmount": _M,
        "cost_code": _S,
        "gl_account": _S,
        "ApplyMth": _D,
        "ApplyTrans": _I,
    }
    return read_frame(conn, stmt, ln.KeyID, s.page_size, schema).with_columns(
        _trans_id("Mth", "ARTrans").alias("id")
    )


def invoices(conn: Connection, s: VistaSettings, since: datetime | None) -> pl.DataFrame:
    """Posted AR invoices (``ARTransType 'I'``); tax is the lines' ``TaxAmount``."""
    heads = _trans(conn, s, "I", since)
    tax = _lines(conn, s, "I").group_by("id").agg(pl.col("TaxAmount").sum().cast(_M).alias("tax"))
    out = heads.join(tax, on="id", how="left").with_columns(
        pl.col("id").alias("invoice_id"),
        pl.col("TransDate").alias("invoice_date"),
        pl.col("tax").fill_null(pl.lit(0, dtype=_M)),
    )
    return out.with_columns(
        (pl.col("total") - pl.col("tax")).cast(_M).alias("subtotal"),
        pl.when(pl.col("balance") == 0)
        .then(pl.lit("paid"))
        .otherwise(pl.lit("open"))
        .alias("status"),
    )


def invoice_lines(conn: Connection, s: VistaSettings) -> pl.DataFrame:
    """Lines of posted AR invoices."""
    return _lines(conn, s, "I").with_columns(
        pl.col("id").alias("invoice_id"), pl.col("unit_price").cast(pl.Decimal(12, 4))
    )


def payments(conn: Connection, s: VistaSettings, since: datetime | None) -> pl.DataFrame:
    """Posted cash receipts (``ARTransType 'P'``); the amount is what their lines applied."""
    heads = _trans(conn, s, "P", since)
    applied = (
        _lines(conn, s, "P").group_by("id").agg((-pl.col("amount").sum()).cast(_M).alias("amount"))
    )
    return (
        heads.drop("total")
        .join(applied, on="id", how="left")
        .with_columns(
            pl.col("id").alias("payment_id"),
            pl.col("TransDate").alias("payment_date"),
            pl.col("amount").fill_null(pl.lit(0, dtype=_M)),
            pl.lit("check").alias("method"),
        )
    )


def payment_applications(conn: Connection, s: VistaSettings) -> pl.DataFrame:
    """Which invoice each receipt paid (its lines' ``ApplyMth``/``ApplyTrans``)."""
    return (
        _lines(conn, s, "P")
        .filter(pl.col("ApplyTrans").is_not_null())
        .group_by("id", "ApplyMth", "ApplyTrans")
        .agg((-pl.col("amount").sum()).cast(_M).alias("amount"))
        .select(
            pl.col("id").alias("payment_id"),
            _trans_id("ApplyMth", "ApplyTrans").alias("invoice_id"),
            "amount",
        )
        .sort("payment_id", "invoice_id")
    )


def time_entries(conn: Connection, s: VistaSettings, since: datetime | None) -> pl.DataFrame:
    """Posted timecards (``bPRTH``), one canonical entry per employee, day, job and phase.

    Lines we wrote (one per earn code) share ``udPixisRef`` and fold back into the
    entry they came from; other lines fold by employee, day, job and phase. The
    entry id is the key of its first line (``PRGroup/PREndDate/Employee/PaySeq/PostSeq``).
    """
    t, b = bPRTH.c, bHQBC.c
    stmt = (
        sa.select(
            t.KeyID,
            t.PRGroup,
            t.PREndDate,
            t.Employee,
            t.PaySeq,
            t.PostSeq,
            t.Job,
            t.Phase,
            t.PostDate,
            t.EarnCode,
            t.Hours,
            t.udPixisRef,
            b.DatePosted,
        )
        .select_from(
            bPRTH.outerjoin(
                bHQBC,
                sa.and_(
                    b.Co == t.PRCo,
                    b.BatchId == t.BatchId,
                    b.PRGroup == t.PRGroup,
                    b.PREndDate == t.PREndDate,
                    b.Source == "PR Entry",
                ),
            )
        )
        .where(t.PRCo == s.co, *_posted_since(s, since))
    )
    schema = {
        "KeyID": _I,
        "PRGroup": _I,
        "PREndDate": _D,
        "employee_id": _I,
        "PaySeq": _I,
        "PostSeq": _I,
        "job_id": _S,
        "cost_code": _S,
        "work_date": _D,
        "EarnCode": _I,
        "Hours": pl.Decimal(10, 2),
        "external_ref": _S,
        "DatePosted": _D,
    }
    rows = read_frame(conn, stmt, t.KeyID, s.page_size, schema)
    line_id = pl.concat_str(
        [
            pl.col(c).cast(pl.String)
            for c in ("PRGroup", "PREndDate", "employee_id", "PaySeq", "PostSeq")
        ],
        separator="/",
    )
    day_key = pl.concat_str(
        [pl.col(c).cast(pl.String) for c in ("employee_id", "work_date", "job_id", "cost_code")],
        separator="|",
        ignore_nulls=True,
    )
    rows = rows.with_columns(
        pl.coalesce(pl.col("external_ref"), day_key).alias("group"),
        line_id.alias("line_id"),
        _posted_at(s, "DatePosted").alias("updated_at"),
    )
    hours = [
        pl.col("Hours").filter(pl.col("EarnCode") == code).sum().cast(pl.Decimal(7, 2)).alias(col)
        for col, code in s.earn_codes.items()
    ]
    return (
        rows.sort("KeyID")
        .group_by("group", maintain_order=True)
        .agg(
            pl.col("line_id").first().alias("entry_id"),
            pl.col("employee_id").first().cast(pl.String),
            pl.col("job_id").first().str.strip_chars(),
            pl.col("cost_code").first(),
            pl.col("work_date").first(),
            pl.col("external_ref").first(),
            pl.col("updated_at").max(),
            *hours,
        )
        .with_columns(pl.col("job_id").alias("job_number"), pl.lit(True).alias("approved"))
        .drop("group")
    )


def cost_codes(conn: Connection, s: VistaSettings) -> pl.DataFrame:
    """Phases of the phase group (``bJCPM``) as cost codes."""
    p = bJCPM.c
    stmt = sa.select(p.KeyID, p.Phase, p.Description).where(p.PhaseGroup == s.phase_group)
    schema = {"KeyID": _I, "cost_code": _S, "description": _S}
    return read_frame(conn, stmt, p.KeyID, s.page_size, schema).drop("KeyID")


def employees(conn: Connection, s: VistaSettings) -> pl.DataFrame:
    """``bPREH`` employees of the PR company."""
    e = bPREH.c
    stmt = sa.select(e.KeyID, e.Employee, e.FirstName, e.LastName, e.ActiveYN, e.HrlyRate).where(
        e.PRCo == s.co
    )
    schema = {
        "KeyID": _I,
        "employee_id": _I,
        "first_name": _S,
        "last_name": _S,
        "status": _S,
        "pay_rate": pl.Decimal(16, 5),
    }
    return (
        read_frame(conn, stmt, e.KeyID, s.page_size, schema)
        .with_columns(
            pl.col("status").replace_strict({"Y": "active", "N": "inactive"}, default=None),
            pl.col("pay_rate").round(2).cast(_M),
            pl.col("employee_id").cast(pl.String),
        )
        .drop("KeyID")
    )
