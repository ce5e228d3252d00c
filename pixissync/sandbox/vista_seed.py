"""Fill the Vista stand-in from canonical frames, as a company in use for a while holds them.

Customers and employees keep numeric ids when the frames' ids are all numbers,
else they are numbered 1..n in frame order; jobs keep their job numbers (Vista's
``Job`` is 10 characters). Invoices and receipts are posted AR transactions
(one posted batch a month), timecards posted payroll (one batch a pay period,
weekly periods ending Sunday). Customers and jobs get ``bHQMA`` "added" rows, as
Vista's audit triggers would have written.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pixissync.connectors.vista.audit import customer_key, job_key
from pixissync.connectors.vista.tables import (
    bARCM,
    bARTH,
    bARTL,
    bGLCO,
    bHQBC,
    bHQMA,
    bJCCM,
    bJCCT,
    bJCJM,
    bJCJP,
    bJCPM,
    bPREH,
    bPRPC,
    bPRTH,
    metadata,
)
from pixissync.errors import InputError
from pixissync.model import conform

IdMaps = dict[str, dict[str, str]]
_CHUNK = 2000
_JOB_STATUS = {
    "pending": 0,
    "open": 1,
    "active": 1,
    "current": 1,
    "soft_closed": 2,
    "complete": 2,
    "closed": 3,
}
_COST_TYPES = (
    (1, "Labor", "L"),
    (2, "Material", "M"),
    (3, "Subcontract", "S"),
    (4, "Equipment", "E"),
    (5, "Other", "O"),
)


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        conn.execute(sa.insert(table), rows[start : start + _CHUNK])


def _frame(frames: dict[str, pl.DataFrame], entity: str) -> pl.DataFrame:
    raw = frames.get(entity)
    if raw is None or raw.height == 0:
        return pl.DataFrame()
    valid, _ = conform(entity, raw, source=f"seed {entity}")
    return valid


def _numbering(ids: pl.Series) -> dict[str, int]:
    numeric = ids.str.strip_chars().cast(pl.Int64, strict=False)
    if numeric.null_count() == 0 and numeric.n_unique() == ids.len() and numeric.min() > 0:  # type: ignore[operator]
        return dict(zip(ids.to_list(), numeric.to_list(), strict=True))
    return {cid: n for n, cid in enumerate(ids.to_list(), start=1)}


def _stamp(value: datetime | None, now: datetime) -> datetime:
    moment = value or now
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def seed_from_canonical(
    engine: Engine,
    frames: dict[str, pl.DataFrame],
    *,
    co: int = 1,
    cust_group: int = 1,
    phase_group: int = 1,
    open_weeks_ahead: int = 8,
) -> IdMaps:
    """Create the tables if needed and load the frames; return canonical id -> Vista key maps.

    Args:
        frames: canonical frames by entity (``customer``, ``job``, ``cost_code``,
            ``employee``, ``invoice``, ``invoice_line``, ``payment``,
            ``payment_application``, ``time_entry``); any may be missing.
        open_weeks_ahead: weekly pay periods left open after today, so new time can post.
    """
    metadata.create_all(engine)
    maps: IdMaps = {}
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if conn.execute(sa.select(bGLCO.c.GLCo).where(bGLCO.c.GLCo == co)).first() is None:
            conn.execute(sa.insert(bGLCO).values(GLCo=co))
        _insert(
            conn,
            bJCCT,
            [
                {"PhaseGroup": phase_group, "CostType": n, "Description": d, "Abbreviation": a}
                for n, d, a in _COST_TYPES
            ],
        )
        maps["customer"] = _customers(conn, _frame(frames, "customer"), cust_group, now)
        maps["job"] = _jobs(conn, _frame(frames, "job"), maps["customer"], co, cust_group, now)
        codes = _frame(frames, "cost_code")
        if codes.height:
            _insert(
                conn,
                bJCPM,
                [
                    {
                        "PhaseGroup": phase_group,
                        "Phase": r["cost_code"],
                        "Description": r["description"],
                    }
                    for r in codes.iter_rows(named=True)
                ],
            )
            _insert(
                conn,
                bJCJP,
                [
                    {
                        "JCCo": co,
                        "Job": job,
                        "PhaseGroup": phase_group,
                        "Phase": r["cost_code"],
                        "Description": r["description"],
                        "ActiveYN": "Y",
                    }
                    for job in maps["job"].values()
                    for r in codes.iter_rows(named=True)
                ],
            )
        maps["employee"] = _employees(conn, _frame(frames, "employee"), co)
        maps["invoice"] = _invoices(conn, frames, maps, co, cust_group)
        maps["payment"] = _payments(conn, frames, maps, co, cust_group)
        _time(conn, _frame(frames, "time_entry"), maps, co, phase_group, open_weeks_ahead)
    return maps


def _customers(conn: Connection, frame: pl.DataFrame, group: int, now: datetime) -> dict[str, str]:
    if frame.height == 0:
        return {}
    numbers = _numbering(frame["customer_id"])
    seen: dict[str, int] = {}
    rows, audit = [], []
    for r in frame.iter_rows(named=True):
        base = re.sub(r"[^A-Z0-9]", "", (r["name"] or "").upper())[:15] or "CUSTOMER"
        n = seen.get(base, 0)
        seen[base] = n + 1
        sort = base if n == 0 else base[: 15 - len(str(n))] + str(n)
        number = numbers[r["customer_id"]]
        rows.append(
            {
                "CustGroup": group,
                "Customer": number,
                "Name": (r["name"] or "")[:60],
                "SortName": sort,
                "Phone": (r["phone"] or None),
                "EMail": r["email"],
                "Status": "I" if (r["status"] or "").lower() == "inactive" else "A",
                "BillAddress": r["address1"],
                "BillAddress2": r["address2"],
                "BillCity": r["city"],
                "BillState": (r["state"] or None),
                "BillZip": r["postal_code"],
                "udPixisRef": r["external_ref"],
            }
        )
        audit.append(_audit_row("bARCM", customer_key(group, number), group, r["updated_at"], now))
    _insert(conn, bARCM, rows)
    _insert(conn, bHQMA, audit)
    return {k: str(v) for k, v in numbers.items()}


def _audit_row(
    table: str, key: str, co: int, when: datetime | None, now: datetime
) -> dict[str, Any]:
    return {
        "TableName": table,
        "KeyString": key,
        "Co": co,
        "RecType": "A",
        "FieldName": None,
        "OldValue": None,
        "NewValue": None,
        "DateTime": _stamp(when, now),
        "UserName": "seed",
    }


def _jobs(
    conn: Connection,
    frame: pl.DataFrame,
    customers: dict[str, str],
    co: int,
    group: int,
    now: datetime,
) -> dict[str, str]:
    if frame.height == 0:
        return {}
    out: dict[str, str] = {}
    contracts, jobs, audit = [], [], []
    for row_no, r in enumerate(frame.iter_rows(named=True), start=1):
        job = (r["job_number"] or r["job_id"]).strip()
        if len(job) > 10:
            raise InputError(
                f"job {job!r} is longer than Vista's 10 characters",
                file="seed job",
                row=row_no,
                column="job_number",
            )
        status = _JOB_STATUS.get((r["status"] or "open").lower(), 1)
        customer = customers.get(r["customer_id"] or "")
        contracts.append(
            {
                "JCCo": co,
                "Contract": job,
                "Description": r["name"],
                "CustGroup": group,
                "Customer": int(customer) if customer else None,
                "ContractStatus": status,
                "ContractAmt": Decimal("0.00"),
            }
        )
        jobs.append(
            {
                "JCCo": co,
                "Job": job,
                "Description": r["name"],
                "Contract": job,
                "JobStatus": status,
                "PhaseGroup": 1,
                "MailAddress": r["address1"],
                "MailCity": r["city"],
                "MailState": r["state"] or None,
                "MailZip": r["postal_code"],
                "udPixisRef": r["external_ref"],
            }
        )
        audit.append(_audit_row("bJCJM", job_key(co, job), co, r["updated_at"], now))
        out[r["job_id"]] = job
    _insert(conn, bJCCM, contracts)
    _insert(conn, bJCJM, jobs)
    _insert(conn, bHQMA, audit)
    return out


def _employees(conn: Connection, frame: pl.DataFrame, co: int) -> dict[str, str]:
    if frame.height == 0:
        return {}
    numbers = _numbering(frame["employee_id"])
    _insert(
        conn,
        bPREH,
        [
            {
                "PRCo": co,
                "Employee": numbers[r["employee_id"]],
                "FirstName": r["first_name"],
                "LastName": r["last_name"],
                "PRGroup": 1,
                "ActiveYN": "N" if (r["status"] or "").lower() == "inactive" else "Y",
                "HrlyRate": r["pay_rate"] or Decimal("0"),
            }
            for r in frame.iter_rows(named=True)
        ],
    )
    return {k: str(v) for k, v in numbers.items()}


def _posted_batch(
    conn: Connection,
    co: int,
    mth: date,
    source: str,
    table: str,
    posted: date,
    pr: tuple[int, date] | None = None,
) -> int:
    last = conn.execute(
        sa.select(sa.func.max(bHQBC.c.BatchId)).where(bHQBC.c.Co == co, bHQBC.c.Mth == mth)
    ).scalar_one_or_none()
    batch = int(last or 0) + 1
    conn.execute(
        sa.insert(bHQBC).values(
            Co=co,
            Mth=mth,
            BatchId=batch,
            Source=source,
            TableName=table,
            DateCreated=posted,
            CreatedBy="seed",
            Status=5,
            DatePosted=posted,
            DateClosed=posted,
            PRGroup=pr[0] if pr else None,
            PREndDate=pr[1] if pr else None,
        )
    )
    return batch


def _invoices(
    conn: Connection, frames: dict[str, pl.DataFrame], maps: IdMaps, co: int, group: int
) -> dict[str, str]:
    heads = _frame(frames, "invoice")
    if heads.height == 0:
        return {}
    lines = _frame(frames, "invoice_line")
    by_invoice: dict[str, list[dict[str, Any]]] = {}
    for ln in lines.iter_rows(named=True) if lines.height else []:
        by_invoice.setdefault(ln["invoice_id"], []).append(ln)
    heads = heads.sort("invoice_date", "invoice_id").with_columns(
        pl.col("invoice_date").dt.truncate("1mo").alias("Mth")
    )
    out: dict[str, str] = {}
    trans_no: dict[date, int] = {}
    batches: dict[date, int] = {}
    head_rows, line_rows = [], []
    zero = Decimal("0.00")
    for r in heads.iter_rows(named=True):
        mth: date = r["Mth"]
        if mth not in batches:
            batches[mth] = _posted_batch(conn, co, mth, "AR Invoice", "ARBH", r["invoice_date"])
        trans_no[mth] = trans = trans_no.get(mth, 0) + 1
        customer = maps["customer"].get(r["customer_id"] or "")
        if customer is None:
            continue
        job = maps["job"].get(r["job_id"] or "")
        total = r["total"] or zero
        due = r["balance"] if r["balance"] is not None else total
        head_rows.append(
            {
                "ARCo": co,
                "Mth": mth,
                "ARTrans": trans,
                "ARTransType": "I",
                "CustGroup": group,
                "Customer": int(customer),
                "JCCo": co if job else None,
                "Contract": job,
                "Invoice": (r["invoice_number"] or "")[-10:].rjust(10),
                "TransDate": r["invoice_date"],
                "DueDate": r["due_date"],
                "Invoiced": total,
                "Paid": total - due,
                "AmountDue": due,
                "BatchId": batches[mth],
                "udPixisRef": r["external_ref"],
            }
        )
        tax = r["tax"] or zero
        mine = by_invoice.get(r["invoice_id"]) or [
            {
                "line_no": 1,
                "description": "Invoice",
                "unit_price": None,
                "amount": total - tax,
                "cost_code": None,
                "gl_account": None,
            }
        ]
        if tax:
            mine = [
                *mine,
                {
                    "line_no": max(m["line_no"] for m in mine) + 1,
                    "description": "Sales tax",
                    "unit_price": None,
                    "amount": tax,
                    "cost_code": None,
                    "gl_account": None,
                    "tax": tax,
                },
            ]
        for m in mine:
            line_rows.append(
                {
                    "ARCo": co,
                    "Mth": mth,
                    "ARTrans": trans,
                    "ARLine": m["line_no"],
                    "LineType": "O",
                    "Description": (m["description"] or "")[:30],
                    "GLAcct": m["gl_account"] or "4000",
                    "UnitPrice": m["unit_price"],
                    "Amount": m["amount"] or zero,
                    "TaxAmount": m.get("tax", zero),
                    "JCCo": co if job else None,
                    "Contract": job,
                    "Job": job,
                    "Phase": m["cost_code"],
                }
            )
        out[r["invoice_id"]] = f"{mth:%Y-%m}/{trans}"
    _insert(conn, bARTH, head_rows)
    _insert(conn, bARTL, line_rows)
    return out


def _payments(
    conn: Connection, frames: dict[str, pl.DataFrame], maps: IdMaps, co: int, group: int
) -> dict[str, str]:
    pays = _frame(frames, "payment")
    if pays.height == 0:
        return {}
    apps = _frame(frames, "payment_application")
    by_payment: dict[str, list[dict[str, Any]]] = {}
    for a in apps.iter_rows(named=True) if apps.height else []:
        by_payment.setdefault(a["payment_id"], []).append(a)
    out: dict[str, str] = {}
    heads, lines = [], []
    last: dict[date, int] = {}
    batches: dict[date, int] = {}
    for r in pays.sort("payment_date", "payment_id").iter_rows(named=True):
        customer = maps["customer"].get(r["customer_id"] or "")
        if customer is None:
            continue
        mth = r["payment_date"].replace(day=1)
        if mth not in last:
            last[mth] = int(
                conn.execute(
                    sa.select(sa.func.max(bARTH.c.ARTrans)).where(
                        bARTH.c.ARCo == co, bARTH.c.Mth == mth
                    )
                ).scalar_one_or_none()
                or 0
            )
        last[mth] += 1
        trans = last[mth]
        # One posted "AR Receipt" batch per deposit day, as the cash clerk posts them.
        day = r["payment_date"]
        if day not in batches:
            batches[day] = _posted_batch(conn, co, mth, "AR Receipt", "ARBH", day)
        heads.append(
            {
                "ARCo": co,
                "Mth": mth,
                "ARTrans": trans,
                "ARTransType": "P",
                "CustGroup": group,
                "Customer": int(customer),
                "CheckNo": (r["reference"] or "")[:10] or None,
                "TransDate": r["payment_date"],
                "Paid": r["amount"],
                "BatchId": batches[day],
                "udPixisRef": r["external_ref"],
            }
        )
        applied = by_payment.get(r["payment_id"]) or [{"invoice_id": None, "amount": r["amount"]}]
        for n, a in enumerate(applied, start=1):
            target = maps["invoice"].get(a["invoice_id"] or "")
            apply_mth = date.fromisoformat(target.split("/")[0] + "-01") if target else None
            lines.append(
                {
                    "ARCo": co,
                    "Mth": mth,
                    "ARTrans": trans,
                    "ARLine": n,
                    "LineType": "O",
                    "Amount": -a["amount"],
                    "ApplyMth": apply_mth,
                    "ApplyTrans": int(target.split("/")[1]) if target else None,
                    "ApplyLine": 1 if target else None,
                }
            )
        out[r["payment_id"]] = f"{mth:%Y-%m}/{trans}"
    _insert(conn, bARTH, heads)
    _insert(conn, bARTL, lines)
    return out


def _week_end(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def _time(
    conn: Connection, frame: pl.DataFrame, maps: IdMaps, co: int, phase_group: int, weeks_ahead: int
) -> None:
    today = datetime.now(UTC).date()
    earliest: date = frame["work_date"].min() if frame.height else today  # type: ignore[assignment]
    first = min(earliest, today)
    periods: list[dict[str, Any]] = []
    end = _week_end(first)
    while end <= _week_end(today) + timedelta(weeks=weeks_ahead):
        begin = end - timedelta(days=6)
        periods.append(
            {
                "PRCo": co,
                "PRGroup": 1,
                "PREndDate": end,
                "BeginDate": begin,
                "BeginMth": begin.replace(day=1),
                "Status": 0,
            }
        )
        end += timedelta(weeks=1)
    _insert(conn, bPRPC, periods)
    if frame.height == 0:
        return
    batches: dict[date, int] = {}
    post_seq: dict[tuple[int, date], int] = {}
    rows: list[dict[str, Any]] = []
    codes = (
        ("regular_hours", 1, "1.0"),
        ("overtime_hours", 2, "1.5"),
        ("doubletime_hours", 3, "2.0"),
    )
    rates = {int(v): Decimal("0") for v in maps["employee"].values()}
    for e, rate in conn.execute(
        sa.select(bPREH.c.Employee, bPREH.c.HrlyRate).where(bPREH.c.PRCo == co)
    ):
        rates[int(e)] = rate or Decimal("0")
    for r in frame.sort("work_date", "entry_id").iter_rows(named=True):
        employee = maps["employee"].get(r["employee_id"] or "")
        if employee is None:
            continue
        job = maps["job"].get(r["job_id"] or "") or (r["job_number"] or None)
        end = _week_end(r["work_date"])
        if end not in batches:
            begin = end - timedelta(days=6)
            batches[end] = _posted_batch(
                conn,
                co,
                begin.replace(day=1),
                "PR Entry",
                "PRTB",
                min(end + timedelta(days=2), today),
                (1, end),
            )
        for column, earn, factor in codes:
            hours = r[column]
            if not hours:
                continue
            slot = (int(employee), end)
            post_seq[slot] = post_seq.get(slot, 0) + 1
            rate = rates.get(int(employee), Decimal("0")) * Decimal(factor)
            rows.append(
                {
                    "PRCo": co,
                    "PRGroup": 1,
                    "PREndDate": end,
                    "Employee": int(employee),
                    "PaySeq": 1,
                    "PostSeq": post_seq[slot],
                    "Type": "J" if job else "M",
                    "PostDate": r["work_date"],
                    "JCCo": co if job else None,
                    "Job": job,
                    "PhaseGroup": phase_group if r["cost_code"] else None,
                    "Phase": r["cost_code"],
                    "EarnCode": earn,
                    "Hours": hours,
                    "Rate": rate,
                    "Amt": (hours * rate).quantize(Decimal("0.01")),
                    "BatchId": batches[end],
                    "udPixisRef": r["external_ref"],
                }
            )
    _insert(conn, bPRTH, rows)
