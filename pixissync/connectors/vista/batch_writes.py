"""AR invoices and timecards into Vista batches (``ARBH``/``ARBL``, ``PRTB``).

They become ``bARTH``/``bPRTH`` rows only when a Vista user validates and posts
the batch (see :mod:`.batches`). Each function runs inside the caller's
transaction and checks what Vista's validation would reject first (missing
customer, job, employee or phase; no open pay period), raising
:class:`~pixissync.errors.PermanentError` that names the field. A closed AR
month moves the invoice to the first open month, as Vista users do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pixissync.connectors.base import Change
from pixissync.connectors.vista.batches import (
    BatchKey,
    BatchSpec,
    claim_batch,
    first_of_month,
    next_month,
    release_batch,
)
from pixissync.connectors.vista.config import VistaSettings
from pixissync.connectors.vista.tables import bARBH, bARBL, bGLCO, bJCJM, bJCJP, bPREH, bPRPC, bPRTB
from pixissync.connectors.vista.writer import CENT, customer_parent, int_key, text_field
from pixissync.errors import PermanentError


def _money(change: Change, value: object, fld: str) -> Decimal:
    try:
        return Decimal(str(value if value is not None else "0")).quantize(CENT)
    except ArithmeticError:
        raise PermanentError(
            f"{change.entity} {change.reference}: field {fld!r} is not an amount: {value!r}"
        ) from None


def _date(change: Change, fld: str) -> date:
    value = change.values.get(fld)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise PermanentError(
            f"{change.entity} {change.reference}: field {fld!r} must be a date, got {value!r}"
        ) from None


def ar_month(conn: Connection, s: VistaSettings, day: date) -> date:
    """The month an AR batch goes in: the invoice's month, or the first open one after it."""
    closed = conn.execute(
        sa.select(bGLCO.c.LastMthARClsd).where(bGLCO.c.GLCo == s.gl_co)
    ).scalar_one_or_none()
    mth = first_of_month(day)
    if closed is not None and mth <= closed:
        return next_month(closed)
    return mth


def add_invoice(conn: Connection, s: VistaSettings, change: Change, today: date) -> str:
    """Add an AR invoice (``TransType 'A'``) to our open ``AR Invoice`` batch.

    Returns:
        the batch address ``ARBH:<co>/<mth>/<batch>/<seq>``; the invoice gets its
        ``ARTrans`` only when a Vista user posts the batch.
    """
    invoice = text_field(change, "invoice_number", "Invoice", 10)
    if not invoice:
        raise PermanentError(f"invoice {change.reference}: field 'invoice_number' is required")
    customer = customer_parent(conn, s, change)
    invoice_date = _date(change, "invoice_date")
    due = _date(change, "due_date") if change.values.get("due_date") else None
    job = change.parents.get("job_id") or None
    contract = None
    if job is not None:
        contract = conn.execute(
            sa.select(bJCJM.c.Contract).where(bJCJM.c.JCCo == s.co, bJCJM.c.Job == job)
        ).scalar_one_or_none()
        if contract is None:
            raise PermanentError(
                f"invoice {change.reference}: field 'job_id': job {job!r} does not exist in bJCJM"
            )
    lines = _invoice_lines(change, s)
    key = claim_batch(
        conn, BatchSpec(s.co, ar_month(conn, s, invoice_date), "AR Invoice", "ARBH"), s.login, today
    )
    seq = _next_seq(conn, bARBH, key)
    conn.execute(
        sa.insert(bARBH).values(
            Co=key.co,
            Mth=key.mth,
            BatchId=key.batch_id,
            BatchSeq=seq,
            TransType="A",
            ARTransType="I",
            CustGroup=s.cust_group,
            Customer=customer,
            JCCo=s.co if contract else None,
            Contract=contract,
            # Vista's bInvoice input mask right-justifies the number in its 10 places.
            Invoice=invoice.rjust(10),
            Description=(str(change.values.get("description") or "") or None),
            TransDate=invoice_date,
            DueDate=due,
            udPixisRef=change.reference,
        )
    )
    conn.execute(
        sa.insert(bARBL),
        [
            {
                "Co": key.co,
                "Mth": key.mth,
                "BatchId": key.batch_id,
                "BatchSeq": seq,
                "ARLine": n,
                "TransType": "A",
                "LineType": "O",
                "GLCo": s.gl_co,
                "JCCo": s.co if job else None,
                "Job": job,
                "PhaseGroup": s.phase_group if line["Phase"] else None,
                **line,
            }
            for n, line in enumerate(lines, start=1)
        ],
    )
    release_batch(conn, key, s.login)
    return f"ARBH:{key}/{seq}"


def _invoice_lines(change: Change, s: VistaSettings) -> list[dict[str, Any]]:
    """ARBL rows; Vista's line ``Amount`` includes its ``TaxAmount``."""
    lines: list[dict[str, Any]] = []
    for n, line in enumerate(change.values.get("lines") or [], start=1):
        amount = _money(change, line.get("amount"), f"lines[{n}].amount")
        lines.append(
            {
                "Description": (str(line.get("description") or "")[:30] or None),
                "GLAcct": str(line.get("gl_account") or s.default_gl_account),
                "UnitPrice": line.get("unit_price"),
                "Amount": amount,
                "TaxAmount": Decimal("0.00"),
                "Phase": (str(line["cost_code"]) if line.get("cost_code") else None),
            }
        )
    tax = _money(change, change.values.get("tax"), "tax")
    if not lines:
        subtotal = change.values.get("subtotal")
        if subtotal is None:
            subtotal = _money(change, change.values.get("total"), "total") - tax
        lines.append(
            {
                "Description": str(change.values.get("invoice_number"))[:30],
                "GLAcct": s.default_gl_account,
                "UnitPrice": None,
                "Amount": _money(change, subtotal, "subtotal"),
                "TaxAmount": Decimal("0.00"),
                "Phase": None,
            }
        )
    if tax:
        lines.append(
            {
                "Description": "Sales tax",
                "GLAcct": s.default_gl_account,
                "UnitPrice": None,
                "Amount": tax,
                "TaxAmount": tax,
                "Phase": None,
            }
        )
    return lines


def _next_seq(conn: Connection, table: sa.Table, key: BatchKey) -> int:
    last = conn.execute(
        sa.select(sa.func.max(table.c.BatchSeq)).where(
            table.c.Co == key.co, table.c.Mth == key.mth, table.c.BatchId == key.batch_id
        )
    ).scalar_one_or_none()
    return int(last or 0) + 1


def add_timecard(conn: Connection, s: VistaSettings, change: Change, today: date) -> str:
    """Add one day's hours as ``PRTB`` lines (one per earn code) to our open PR batch.

    Checks what ``bspPRTBVal`` would reject first: unknown employee, no open pay
    period (``bPRPC``) for the work date, unknown job or phase on the job.
    """
    employee = int_key(
        change,
        change.parents.get("employee_id", change.values.get("employee_id")),
        "employee_id",
    )
    person = conn.execute(
        sa.select(bPREH.c.PRGroup, bPREH.c.HrlyRate, bPREH.c.ActiveYN).where(
            bPREH.c.PRCo == s.co, bPREH.c.Employee == employee
        )
    ).first()
    if person is None:
        raise PermanentError(
            f"time_entry {change.reference}: field 'employee_id': employee {employee} "
            f"does not exist in bPREH for PRCo {s.co}"
        )
    work_date = _date(change, "work_date")
    period = conn.execute(
        sa.select(bPRPC.c.PREndDate, bPRPC.c.BeginDate, bPRPC.c.BeginMth).where(
            bPRPC.c.PRCo == s.co,
            bPRPC.c.PRGroup == person.PRGroup,
            bPRPC.c.BeginDate <= work_date,
            bPRPC.c.PREndDate >= work_date,
            bPRPC.c.Status == 0,
        )
    ).first()
    if period is None:
        raise PermanentError(
            f"time_entry {change.reference}: field 'work_date': no open pay period in bPRPC "
            f"for PR group {person.PRGroup} covering {work_date.isoformat()}"
        )
    job = str(change.parents.get("job_id") or change.values.get("job_number") or "").strip()
    phase = str(change.values.get("cost_code") or "").strip() or None
    if job:
        if (
            conn.execute(
                sa.select(bJCJM.c.Job).where(bJCJM.c.JCCo == s.co, bJCJM.c.Job == job)
            ).first()
            is None
        ):
            raise PermanentError(
                f"time_entry {change.reference}: field 'job_id': job {job!r} "
                "does not exist in bJCJM"
            )
        if (
            phase
            and conn.execute(
                sa.select(bJCJP.c.Phase).where(
                    bJCJP.c.JCCo == s.co, bJCJP.c.Job == job, bJCJP.c.Phase == phase
                )
            ).first()
            is None
        ):
            raise PermanentError(
                f"time_entry {change.reference}: field 'cost_code': phase {phase!r} is not "
                f"set up on job {job!r} (bJCJP)"
            )
    rate = Decimal(str(person.HrlyRate or 0))
    rows: list[dict[str, Any]] = []
    for column, earn_code in s.earn_codes.items():
        hours = Decimal(str(change.values.get(column) or 0)).quantize(CENT)
        if hours == 0:
            continue
        line_rate = rate * Decimal(s.earn_factors.get(column, "1"))
        rows.append(
            {
                "EarnCode": earn_code,
                "Hours": hours,
                "Rate": line_rate,
                "Amt": (hours * line_rate).quantize(CENT),
            }
        )
    if not rows:
        raise PermanentError(f"time_entry {change.reference}: field 'regular_hours': no hours")
    key = claim_batch(
        conn,
        BatchSpec(s.co, period.BeginMth, "PR Entry", "PRTB", int(person.PRGroup), period.PREndDate),
        s.login,
        today,
    )
    seq = _next_seq(conn, bPRTB, key)
    conn.execute(
        sa.insert(bPRTB),
        [
            {
                "Co": key.co,
                "Mth": key.mth,
                "BatchId": key.batch_id,
                "BatchSeq": seq + n,
                "BatchTransType": "A",
                "Employee": employee,
                "PaySeq": 1,
                "Type": "J" if job else "M",
                "DayNum": (work_date - period.BeginDate).days + 1,
                "PostDate": work_date,
                "JCCo": s.co if job else None,
                "Job": job or None,
                "PhaseGroup": s.phase_group if phase else None,
                "Phase": phase,
                "udPixisRef": change.reference,
                **row,
            }
            for n, row in enumerate(rows)
        ],
    )
    release_batch(conn, key, s.login)
    return f"PRTB:{key}/{seq}"
