"""Read Sage 100 Contractor tables into canonical frames with SQLAlchemy Core.

The queries use only portable Core constructs, so the same code reads the
SQLite/PostgreSQL sandbox and the company database on SQL Server
(``mssql+pyodbc``, see :mod:`.production`); the tests compile every statement
for the ``mssql`` dialect. Each table is read in keyset pages: ``ORDER BY
recnum`` (``recnum, linnum`` for line tables) with ``TOP n`` on SQL Server and
``WHERE recnum > :last`` for the next page, so a large company is never read
with ``OFFSET`` (which rescans) nor held open in one long cursor. Incremental
reads add ``upddte > :since``. Sage timestamps are naive server-local times:
``zone`` names the server's zone (the sandbox writes UTC, the default) and
every ``updated_at`` leaves the reader in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import ColumnElement, Connection, Select, Table, select

from pixissync.connectors.sage100c import schema as s
from pixissync.connectors.sage100c.paging import PAGE_SIZE, paged_rows
from pixissync.connectors.sage100c.tables import (
    CUSTOMER_STATUS,
    EMPLOYEE_STATUS,
    INVOICE_STATUS,
    JOB_STATUS,
)
from pixissync.model import ENTITIES, MONEY, TIMESTAMP

_I64 = pl.Int64()
_STR = pl.String()
_DATE = pl.Date()


def _frame(
    conn: Connection,
    query: Select[Any],
    schema: dict[str, pl.DataType],
    keys: tuple[ColumnElement[Any], ...],
    page_size: int,
) -> pl.DataFrame:
    rows = paged_rows(conn, query, keys, page_size)
    columns = list(schema)
    data = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
    return pl.DataFrame(data, schema=schema)


def _utc(column: str, zone: str) -> pl.Expr:
    """Sage's naive server-local time as UTC (a repeated autumn hour reads as the first)."""
    local = pl.col(column).dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    return local.dt.convert_time_zone("UTC").dt.cast_time_unit("us")


def _code(column: str, codes: dict[int, str]) -> pl.Expr:
    """A Sage status code as a word; unknown codes read ``code <n>`` instead of failing."""
    return (
        pl.col(column)
        .replace_strict(codes, default=None, return_dtype=_STR)
        .fill_null(pl.lit("code ") + pl.col(column).cast(_STR))
    )


def _since(table: Table, query: Select[Any], since: datetime | None, zone: str) -> Select[Any]:
    """Rows changed after ``since`` (naive ``since`` is UTC), compared in the server's time."""
    if since is None:
        return query
    aware = since if since.tzinfo else since.replace(tzinfo=UTC)
    moment = aware.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return query.where(table.c.upddte > moment)


def _ts() -> pl.Datetime:
    return pl.Datetime("us")


def customers(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    t = s.reccln
    q = select(
        t.c.recnum, t.c.clnnme, t.c.addrs1, t.c.addrs2, t.c.ctynme, t.c.state_, t.c.zipcde,
        t.c.phnnum, t.c.e_mail, t.c.status, t.c.usrdf1, t.c.upddte,
    )  # fmt: skip
    raw = _frame(
        conn,
        _since(t, q, since, zone),
        {
            "recnum": _I64, "name": _STR, "address1": _STR, "address2": _STR, "city": _STR,
            "state": _STR, "postal_code": _STR, "phone": _STR, "email": _STR, "status": _I64,
            "external_ref": _STR, "updated_at": _ts(),
        },
        (t.c.recnum,),
        page_size,
    )  # fmt: skip
    return raw.with_columns(
        pl.col("recnum").cast(_STR).alias("customer_id"),
        _code("status", CUSTOMER_STATUS).alias("status"),
        _utc("updated_at", zone),
    )


def jobs(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    t = s.actrec
    q = select(
        t.c.recnum, t.c.jobnme, t.c.clnnum, t.c.addrs1, t.c.ctynme, t.c.state_, t.c.zipcde,
        t.c.status, t.c.usrdf1, t.c.upddte,
    )  # fmt: skip
    raw = _frame(
        conn,
        _since(t, q, since, zone),
        {
            "recnum": _I64, "name": _STR, "clnnum": _I64, "address1": _STR, "city": _STR,
            "state": _STR, "postal_code": _STR, "status": _I64, "external_ref": _STR,
            "updated_at": _ts(),
        },
        (t.c.recnum,),
        page_size,
    )  # fmt: skip
    return raw.with_columns(
        pl.col("recnum").cast(_STR).alias("job_id"),
        pl.col("recnum").cast(_STR).alias("job_number"),
        pl.col("clnnum").cast(_STR).alias("customer_id"),
        _code("status", JOB_STATUS).alias("status"),
        _utc("updated_at", zone),
    )


def invoices(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    """Invoices; ``status`` reads ``posted`` for an open invoice already in the ledger."""
    t, j = s.acrinv, s.actrec
    q = select(
        t.c.recnum, t.c.invnum, j.c.clnnum, t.c.jobnum, t.c.invdte, t.c.duedte, t.c.slstax,
        t.c.invttl, t.c.invbal, t.c.status, t.c.lgrrec, t.c.usrdf1, t.c.upddte,
    ).select_from(t.outerjoin(j, j.c.recnum == t.c.jobnum))  # fmt: skip
    raw = _frame(
        conn,
        _since(t, q, since, zone),
        {
            "recnum": _I64, "invoice_number": _STR, "clnnum": _I64, "jobnum": _I64,
            "invoice_date": _DATE, "due_date": _DATE, "tax": MONEY, "total": MONEY,
            "balance": MONEY, "status": _I64, "lgrrec": _I64, "external_ref": _STR,
            "updated_at": _ts(),
        },
        (t.c.recnum,),
        page_size,
    )  # fmt: skip
    posted = pl.col("lgrrec").is_not_null()
    return raw.with_columns(
        pl.col("recnum").cast(_STR).alias("invoice_id"),
        pl.col("clnnum").cast(_STR).alias("customer_id"),
        pl.col("jobnum").cast(_STR).alias("job_id"),
        (pl.col("total") - pl.col("tax")).cast(MONEY).alias("subtotal"),
        pl.when(posted & (pl.col("status") == 1))
        .then(pl.lit("posted"))
        .otherwise(_code("status", INVOICE_STATUS))
        .alias("status"),
        posted.alias("posted"),
        _utc("updated_at", zone),
    )


def _changed_parents(table: Table, since: datetime | None, zone: str) -> Select[Any]:
    return _since(table, select(table.c.recnum), since, zone)


def invoice_lines(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    """Lines of the invoices changed after ``since`` (lines carry no change date of their own)."""
    t = s.arivln
    q = select(
        t.c.recnum, t.c.linnum, t.c.dscrpt, t.c.linqty, t.c.linprc, t.c.extprc, t.c.cstcde,
        t.c.lgract, t.c.subact,
    )  # fmt: skip
    if since is not None:
        q = q.where(t.c.recnum.in_(_changed_parents(s.acrinv, since, zone)))
    raw = _frame(
        conn,
        q,
        {
            "recnum": _I64, "line_no": pl.Int32(), "description": _STR,
            "quantity": pl.Decimal(12, 4), "unit_price": pl.Decimal(12, 4), "amount": MONEY,
            "cstcde": pl.Decimal(12, 3), "lgract": _I64, "subact": _I64,
        },
        (t.c.recnum, t.c.linnum),
        page_size,
    )  # fmt: skip
    account = pl.col("lgract").cast(_STR)
    return raw.with_columns(
        pl.col("recnum").cast(_STR).alias("invoice_id"),
        pl.col("cstcde").cast(_STR).alias("cost_code"),
        pl.when(pl.col("subact").is_null())
        .then(account)
        .otherwise(account + "." + pl.col("subact").cast(_STR))
        .alias("gl_account"),
    )


def _payment_rows(conn: Connection, page_size: int, zone: str) -> pl.DataFrame:
    p, i, j = s.acrpmt, s.acrinv, s.actrec
    q = select(
        p.c.recnum, j.c.clnnum, p.c.chknum, p.c.chkdte, p.c.amount, p.c.usrdf1, p.c.upddte
    ).select_from(p.join(i, i.c.recnum == p.c.recnum).outerjoin(j, j.c.recnum == i.c.jobnum))
    raw = _frame(
        conn,
        q,
        {
            "recnum": _I64, "clnnum": _I64, "chknum": _STR, "chkdte": _DATE, "amount": MONEY,
            "usrdf1": _STR, "upddte": _ts(),
        },
        (p.c.recnum, p.c.linnum),
        page_size,
    )  # fmt: skip
    return raw.with_columns(
        (pl.col("clnnum").cast(_STR) + ":" + pl.col("chknum")).alias("payment_id"),
        _utc("upddte", zone),
    )


def _after(frame: pl.DataFrame, since: datetime | None) -> pl.DataFrame:
    if since is None:
        return frame
    moment = since if since.tzinfo else since.replace(tzinfo=UTC)
    return frame.filter(pl.col("updated_at") > moment)


def payments(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    """One payment per customer and check number (Sage keeps a row per invoice paid)."""
    rows = _payment_rows(conn, page_size, zone)
    upper = pl.col("reference").str.to_uppercase()
    frame = (
        rows.group_by("payment_id", maintain_order=True)
        .agg(
            pl.col("clnnum").first().cast(_STR).alias("customer_id"),
            pl.col("chkdte").min().alias("payment_date"),
            pl.col("amount").sum().cast(MONEY).alias("amount"),
            pl.col("chknum").first().alias("reference"),
            pl.col("usrdf1").drop_nulls().first().alias("external_ref"),
            pl.col("upddte").max().alias("updated_at"),
        )
        .with_columns(
            pl.when(upper.str.starts_with("ACH"))
            .then(pl.lit("ach"))
            .when(upper.str.starts_with("CC"))
            .then(pl.lit("credit_card"))
            .otherwise(pl.lit("check"))
            .alias("method")
        )
    )
    return _after(frame, since)


def payment_applications(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    """Which invoices each payment paid, for payments changed after ``since``."""
    rows = _payment_rows(conn, page_size, zone).rename({"upddte": "updated_at"})
    changed = _after(rows.group_by("payment_id").agg(pl.col("updated_at").max()), since)
    return (
        rows.filter(pl.col("payment_id").is_in(changed["payment_id"].implode()))
        .group_by("payment_id", "recnum", maintain_order=True)
        .agg(pl.col("amount").sum().cast(MONEY))
        .select("payment_id", pl.col("recnum").cast(_STR).alias("invoice_id"), "amount")
    )


def time_entries(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    """Daily payroll lines grouped into one entry per ``recnum``."""
    t = s.dlypyr
    q = select(
        t.c.recnum, t.c.empnum, t.c.jobnum, t.c.cstcde, t.c.dtewrk, t.c.paytyp, t.c.hrswrk,
        t.c.usrdf1, t.c.upddte,
    )  # fmt: skip
    if since is not None:
        # Only entries with a line changed after ``since``; _after() below keeps the rule exact.
        q = q.where(t.c.recnum.in_(_since(t, select(t.c.recnum), since, zone)))
    raw = _frame(
        conn,
        q,
        {
            "recnum": _I64, "empnum": _I64, "jobnum": _I64, "cstcde": pl.Decimal(12, 3),
            "dtewrk": _DATE, "paytyp": _I64, "hrswrk": pl.Decimal(7, 2), "usrdf1": _STR,
            "upddte": _ts(),
        },
        (t.c.recnum, t.c.linnum),
        page_size,
    )  # fmt: skip

    def hours(paytyp: int) -> pl.Expr:
        return pl.col("hrswrk").filter(pl.col("paytyp") == paytyp).sum().cast(pl.Decimal(7, 2))

    frame = (
        raw.group_by("recnum", maintain_order=True)
        .agg(
            pl.col("empnum").first().cast(_STR).alias("employee_id"),
            pl.col("jobnum").first().cast(_STR).alias("job_id"),
            pl.col("cstcde").first().cast(_STR).alias("cost_code"),
            pl.col("dtewrk").first().alias("work_date"),
            hours(1).alias("regular_hours"),
            hours(2).alias("overtime_hours"),
            hours(3).alias("doubletime_hours"),
            pl.col("usrdf1").drop_nulls().first().alias("external_ref"),
            pl.col("upddte").max().alias("updated_at"),
        )
        .with_columns(
            pl.col("recnum").cast(_STR).alias("entry_id"),
            pl.col("job_id").alias("job_number"),
            pl.lit(True).alias("approved"),
            _utc("updated_at", zone),
        )
    )
    return _after(frame, since)


def employees(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    t = s.employ
    q = select(t.c.recnum, t.c.fstnme, t.c.lstnme, t.c.status, t.c.payrt1, t.c.upddte)
    raw = _frame(
        conn,
        _since(t, q, since, zone),
        {
            "recnum": _I64, "first_name": _STR, "last_name": _STR, "status": _I64,
            "pay_rate": pl.Decimal(12, 4), "updated_at": _ts(),
        },
        (t.c.recnum,),
        page_size,
    )  # fmt: skip
    return raw.with_columns(
        pl.col("recnum").cast(_STR).alias("employee_id"),
        _code("status", EMPLOYEE_STATUS).alias("status"),
        pl.col("pay_rate").round(2).cast(MONEY),
        _utc("updated_at", zone),
    )


def cost_codes(
    conn: Connection, since: datetime | None, *, page_size: int = PAGE_SIZE, zone: str = "UTC"
) -> pl.DataFrame:
    t = s.cstcde
    q = select(t.c.recnum, t.c.cdenme, t.c.upddte)
    raw = _frame(
        conn,
        _since(t, q, since, zone),
        {"recnum": pl.Decimal(12, 3), "description": _STR, "updated_at": _ts()},
        (t.c.recnum,),
        page_size,
    )
    return raw.with_columns(
        pl.col("recnum").cast(_STR).alias("cost_code"), _utc("updated_at", zone)
    )


class Reader(Protocol):
    """Reads one canonical entity's raw frame (rows changed after ``since``, if given)."""

    def __call__(
        self,
        conn: Connection,
        since: datetime | None,
        *,
        page_size: int = PAGE_SIZE,
        zone: str = "UTC",
    ) -> pl.DataFrame: ...


READERS: Final[dict[str, Reader]] = {
    "customer": customers,
    "job": jobs,
    "invoice": invoices,
    "invoice_line": invoice_lines,
    "payment": payments,
    "payment_application": payment_applications,
    "time_entry": time_entries,
    "employee": employees,
    "cost_code": cost_codes,
}


def canonical(entity: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The canonical columns, in order (missing ones empty)."""
    columns = list(ENTITIES[entity].columns)
    present = [c for c in columns if c in frame.columns]
    missing = [
        pl.lit(None, dtype=ENTITIES[entity].columns[c]).alias(c)
        for c in columns
        if c not in frame.columns
    ]
    out = frame.select(*present, *missing).select(columns)
    return (
        out.with_columns(pl.col("updated_at").cast(TIMESTAMP)) if "updated_at" in columns else out
    )
