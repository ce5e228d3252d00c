"""A Viewpoint Vista stand-in: Vista's tables on SQLite or PostgreSQL, and its batch posting.

``create_vista_db`` makes the tables of :mod:`pixissync.connectors.vista.tables`;
``seed_from_canonical`` fills them from canonical frames as a Vista company that
has been in use for a while would hold them (posted invoices, receipts, payroll).
:class:`EmulatedProcedures` does in Python what Vista's batch procedures do
(``bspARBHVal``/``bspARBHPost``, ``bspPRTBVal``/``bspPRTBPost``): check each
batch row, record errors in ``bHQBE`` (status 2) or mark the batch validated
(3), then post it (4, 5) into ``bARTH``/``bARTL`` or ``bPRTH`` and empty the batch
tables. :func:`post_as_vista_user` is what an accountant does at the end of the day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pixissync.connectors.vista.batches import (
    ERRORS,
    OPEN,
    POSTED,
    POSTING,
    VALIDATED,
    VALIDATING,
    BatchKey,
    batch_status,
)
from pixissync.connectors.vista.tables import (
    bARBH,
    bARBL,
    bARCM,
    bARTH,
    bARTL,
    bGLCO,
    bHQBC,
    bHQBE,
    bJCJM,
    bPREH,
    bPRPC,
    bPRTB,
    bPRTH,
    metadata,
)
from pixissync.errors import InputError, PermanentError
from pixissync.sandbox.vista_seed import seed_from_canonical

__all__ = [
    "EmulatedProcedures",
    "create_vista_db",
    "post_as_vista_user",
    "post_receipt",
    "seed_from_canonical",
]


def create_vista_db(url: str | Engine) -> Engine:
    """Create the Vista tables (if missing) and return an engine on them.

    A SQLite stand-in runs in WAL mode with ``synchronous=NORMAL``: a commit does
    not wait for the disk, as SQL Server's log writer would not make a test wait.
    """
    engine = sa.create_engine(url) if isinstance(url, str) else url
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        engine.dispose()
    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _ar_closed(conn: Connection, co: int) -> date | None:
    return conn.execute(
        sa.select(bGLCO.c.LastMthARClsd).where(bGLCO.c.GLCo == co)
    ).scalar_one_or_none()


class EmulatedProcedures:
    """Vista's validate and post procedures for ``AR Invoice`` and ``PR Entry`` batches."""

    def validate(self, conn: Connection, key: BatchKey, source: str) -> int:
        status, _ = batch_status(conn, key)
        if status not in (OPEN, ERRORS, VALIDATED):
            raise PermanentError(f"batch {key} cannot be validated in status {status}")
        self._set_status(conn, key, VALIDATING)
        conn.execute(
            sa.delete(bHQBE).where(
                bHQBE.c.Co == key.co, bHQBE.c.Mth == key.mth, bHQBE.c.BatchId == key.batch_id
            )
        )
        errors = (
            self._ar_errors(conn, key) if source == "AR Invoice" else self._pr_errors(conn, key)
        )
        if errors:
            conn.execute(
                sa.insert(bHQBE),
                [
                    {
                        "Co": key.co,
                        "Mth": key.mth,
                        "BatchId": key.batch_id,
                        "Seq": seq,
                        "ErrorText": text[:255],
                    }
                    for seq, text in errors
                ],
            )
        final = ERRORS if errors else VALIDATED
        self._set_status(conn, key, final)
        return final

    def post(self, conn: Connection, key: BatchKey, source: str, post_date: date) -> int:
        status, _ = batch_status(conn, key)
        if status != VALIDATED:
            raise PermanentError(f"batch {key} must be validated before posting (status {status})")
        self._set_status(conn, key, POSTING)
        if source == "AR Invoice":
            self._post_ar(conn, key)
        else:
            self._post_pr(conn, key)
        conn.execute(
            sa.update(bHQBC)
            .where(*_batch_where(bHQBC, key))
            .values(Status=POSTED, DatePosted=post_date, DateClosed=post_date, InUseBy=None)
        )
        return POSTED

    @staticmethod
    def _set_status(conn: Connection, key: BatchKey, status: int) -> None:
        conn.execute(sa.update(bHQBC).where(*_batch_where(bHQBC, key)).values(Status=status))

    @staticmethod
    def _ar_errors(conn: Connection, key: BatchKey) -> list[tuple[int, str]]:
        errors: list[tuple[int, str]] = []
        closed = _ar_closed(conn, key.co)
        if closed is not None and key.mth <= closed:
            errors.append((0, f"Month {key.mth:%m/%y} is closed in AR"))
        heads = conn.execute(sa.select(bARBH).where(*_batch_where(bARBH, key))).all()
        for h in heads:
            known = conn.execute(
                sa.select(bARCM.c.Customer).where(
                    bARCM.c.CustGroup == h.CustGroup, bARCM.c.Customer == h.Customer
                )
            ).first()
            if known is None:
                errors.append((h.BatchSeq, f"Customer {h.Customer} is invalid"))
            if not (h.Invoice or "").strip():
                errors.append((h.BatchSeq, "Missing invoice number"))
            lines = conn.execute(
                sa.select(sa.func.count())
                .select_from(bARBL)
                .where(*_batch_where(bARBL, key), bARBL.c.BatchSeq == h.BatchSeq)
            ).scalar_one()
            if lines == 0:
                errors.append((h.BatchSeq, "Invoice has no lines"))
        return errors

    @staticmethod
    def _pr_errors(conn: Connection, key: BatchKey) -> list[tuple[int, str]]:
        errors: list[tuple[int, str]] = []
        head = conn.execute(
            sa.select(bHQBC.c.PRGroup, bHQBC.c.PREndDate).where(*_batch_where(bHQBC, key))
        ).one()
        period = conn.execute(
            sa.select(bPRPC.c.Status).where(
                bPRPC.c.PRCo == key.co,
                bPRPC.c.PRGroup == head.PRGroup,
                bPRPC.c.PREndDate == head.PREndDate,
            )
        ).scalar_one_or_none()
        if period != 0:
            errors.append((0, f"Pay period ending {head.PREndDate} is not open"))
        for row in conn.execute(sa.select(bPRTB).where(*_batch_where(bPRTB, key))).all():
            if (
                conn.execute(
                    sa.select(bPREH.c.Employee).where(
                        bPREH.c.PRCo == key.co, bPREH.c.Employee == row.Employee
                    )
                ).first()
                is None
            ):
                errors.append((row.BatchSeq, f"Invalid employee {row.Employee}"))
            if (
                row.Job
                and conn.execute(
                    sa.select(bJCJM.c.Job).where(bJCJM.c.JCCo == row.JCCo, bJCJM.c.Job == row.Job)
                ).first()
                is None
            ):
                errors.append((row.BatchSeq, f"Job {row.Job} not on file"))
        return errors

    @staticmethod
    def _post_ar(conn: Connection, key: BatchKey) -> None:
        last = conn.execute(
            sa.select(sa.func.max(bARTH.c.ARTrans)).where(
                bARTH.c.ARCo == key.co, bARTH.c.Mth == key.mth
            )
        ).scalar_one_or_none()
        trans = int(last or 0)
        heads = conn.execute(
            sa.select(bARBH).where(*_batch_where(bARBH, key)).order_by(bARBH.c.BatchSeq)
        ).all()
        for h in heads:
            trans += 1
            lines = conn.execute(
                sa.select(bARBL)
                .where(*_batch_where(bARBL, key), bARBL.c.BatchSeq == h.BatchSeq)
                .order_by(bARBL.c.ARLine)
            ).all()
            total = sum((ln.Amount for ln in lines), Decimal("0.00"))
            retainage = sum((ln.Retainage for ln in lines), Decimal("0.00"))
            conn.execute(
                sa.insert(bARTH).values(
                    ARCo=key.co,
                    Mth=key.mth,
                    ARTrans=trans,
                    ARTransType=h.ARTransType,
                    CustGroup=h.CustGroup,
                    Customer=h.Customer,
                    CustRef=h.CustRef,
                    JCCo=h.JCCo,
                    Contract=h.Contract,
                    Invoice=h.Invoice,
                    Description=h.Description,
                    TransDate=h.TransDate,
                    DueDate=h.DueDate,
                    Invoiced=total,
                    Paid=Decimal("0.00"),
                    Retainage=retainage,
                    AmountDue=total,
                    BatchId=key.batch_id,
                    udPixisRef=h.udPixisRef,
                )
            )
            conn.execute(
                sa.insert(bARTL),
                [
                    {
                        "ARCo": key.co,
                        "Mth": key.mth,
                        "ARTrans": trans,
                        "ARLine": ln.ARLine,
                        "LineType": ln.LineType,
                        "Description": ln.Description,
                        "GLAcct": ln.GLAcct,
                        "UnitPrice": ln.UnitPrice,
                        "Amount": ln.Amount,
                        "TaxAmount": ln.TaxAmount,
                        "Retainage": ln.Retainage,
                        "JCCo": ln.JCCo,
                        "Contract": h.Contract,
                        "Job": ln.Job,
                        "PhaseGroup": ln.PhaseGroup,
                        "Phase": ln.Phase,
                    }
                    for ln in lines
                ],
            )
        conn.execute(sa.delete(bARBL).where(*_batch_where(bARBL, key)))
        conn.execute(sa.delete(bARBH).where(*_batch_where(bARBH, key)))

    @staticmethod
    def _post_pr(conn: Connection, key: BatchKey) -> None:
        head = conn.execute(
            sa.select(bHQBC.c.PRGroup, bHQBC.c.PREndDate).where(*_batch_where(bHQBC, key))
        ).one()
        rows = conn.execute(
            sa.select(bPRTB).where(*_batch_where(bPRTB, key)).order_by(bPRTB.c.BatchSeq)
        ).all()
        next_seq: dict[tuple[int, int], int] = {}
        for r in rows:
            slot = (int(r.Employee), int(r.PaySeq))
            if slot not in next_seq:
                last = conn.execute(
                    sa.select(sa.func.max(bPRTH.c.PostSeq)).where(
                        bPRTH.c.PRCo == key.co,
                        bPRTH.c.PRGroup == head.PRGroup,
                        bPRTH.c.PREndDate == head.PREndDate,
                        bPRTH.c.Employee == r.Employee,
                        bPRTH.c.PaySeq == r.PaySeq,
                    )
                ).scalar_one_or_none()
                next_seq[slot] = int(last or 0)
            next_seq[slot] += 1
            conn.execute(
                sa.insert(bPRTH).values(
                    PRCo=key.co,
                    PRGroup=head.PRGroup,
                    PREndDate=head.PREndDate,
                    Employee=r.Employee,
                    PaySeq=r.PaySeq,
                    PostSeq=next_seq[slot],
                    Type=r.Type,
                    PostDate=r.PostDate,
                    JCCo=r.JCCo,
                    Job=r.Job,
                    PhaseGroup=r.PhaseGroup,
                    Phase=r.Phase,
                    EarnCode=r.EarnCode,
                    Hours=r.Hours,
                    Rate=r.Rate,
                    Amt=r.Amt,
                    BatchId=key.batch_id,
                    udPixisRef=r.udPixisRef,
                )
            )
        conn.execute(sa.delete(bPRTB).where(*_batch_where(bPRTB, key)))


def _batch_where(table: sa.Table, key: BatchKey) -> list[sa.ColumnElement[bool]]:
    return [table.c.Co == key.co, table.c.Mth == key.mth, table.c.BatchId == key.batch_id]


def post_as_vista_user(engine: Engine, co: int = 1, user: str = "accountant") -> list[str]:
    """What an accountant does in Vista: open each waiting batch, validate it, post it.

    Returns:
        one line per batch: ``posted`` or the validation errors that stopped it.
    """
    procs = EmulatedProcedures()
    report: list[str] = []
    with engine.begin() as conn:
        keys = conn.execute(
            sa.select(bHQBC.c.Co, bHQBC.c.Mth, bHQBC.c.BatchId, bHQBC.c.Source)
            .where(bHQBC.c.Co == co, bHQBC.c.Status.in_([OPEN, ERRORS]))
            .order_by(bHQBC.c.Mth, bHQBC.c.BatchId)
        ).all()
    for k in keys:
        key = BatchKey(k.Co, k.Mth, k.BatchId)
        with engine.begin() as conn:
            claimed = conn.execute(
                sa.update(bHQBC)
                .where(*_batch_where(bHQBC, key), bHQBC.c.InUseBy.is_(None))
                .values(InUseBy=user)
            ).rowcount
            if claimed != 1:
                report.append(f"{key}: in use by someone else")
                continue
            if procs.validate(conn, key, k.Source) != VALIDATED:
                conn.execute(sa.update(bHQBC).where(*_batch_where(bHQBC, key)).values(InUseBy=None))
                report.append(f"{key}: validation errors")
                continue
            procs.post(conn, key, k.Source, datetime.now(UTC).date())
            report.append(f"{key}: posted")
    return report


def post_receipt(
    engine: Engine,
    *,
    customer: int,
    receipt_date: date,
    check_no: str,
    applications: list[tuple[str, Decimal]],
    co: int = 1,
    cust_group: int = 1,
    reference: str | None = None,
) -> str:
    """Post a cash receipt as Vista's AR Receipts would: a ``P`` transaction applied to invoices.

    Args:
        applications: ``(invoice_id, amount)`` with invoice ids as the connector reads
            them (``YYYY-MM/ARTrans``).

    Returns:
        the receipt's id, ``YYYY-MM/ARTrans``.
    """
    mth = receipt_date.replace(day=1)
    with engine.begin() as conn:
        last = conn.execute(
            sa.select(sa.func.max(bARTH.c.ARTrans)).where(bARTH.c.ARCo == co, bARTH.c.Mth == mth)
        ).scalar_one_or_none()
        trans = int(last or 0) + 1
        total = sum((amt for _, amt in applications), Decimal("0.00"))
        conn.execute(
            sa.insert(bARTH).values(
                ARCo=co,
                Mth=mth,
                ARTrans=trans,
                ARTransType="P",
                CustGroup=cust_group,
                Customer=customer,
                CheckNo=check_no,
                TransDate=receipt_date,
                Paid=total,
                Invoiced=Decimal("0.00"),
                AmountDue=Decimal("0.00"),
                udPixisRef=reference,
            )
        )
        for n, (invoice_id, amount) in enumerate(applications, start=1):
            apply_mth, apply_trans = _parse_trans_id(invoice_id)
            conn.execute(
                sa.insert(bARTL).values(
                    ARCo=co,
                    Mth=mth,
                    ARTrans=trans,
                    ARLine=n,
                    LineType="O",
                    Amount=-amount,
                    ApplyMth=apply_mth,
                    ApplyTrans=apply_trans,
                    ApplyLine=1,
                )
            )
            invoice = conn.execute(
                sa.select(bARTH.c.Paid, bARTH.c.AmountDue).where(
                    bARTH.c.ARCo == co, bARTH.c.Mth == apply_mth, bARTH.c.ARTrans == apply_trans
                )
            ).one()
            conn.execute(
                sa.update(bARTH)
                .where(bARTH.c.ARCo == co, bARTH.c.Mth == apply_mth, bARTH.c.ARTrans == apply_trans)
                .values(Paid=invoice.Paid + amount, AmountDue=invoice.AmountDue - amount)
            )
    return f"{mth:%Y-%m}/{trans}"


def _parse_trans_id(value: str) -> tuple[date, int]:
    try:
        month, trans = value.split("/")
        return date.fromisoformat(month + "-01"), int(trans)
    except ValueError:
        raise InputError(f"invoice id {value!r} is not YYYY-MM/ARTrans") from None


def add_pay_periods(
    engine: Engine, first_end: date, weeks: int, *, co: int = 1, pr_group: int = 1
) -> None:
    """Open weekly pay periods (``bPRPC``) ending on ``first_end`` and the weeks after."""
    rows: list[dict[str, Any]] = []
    for n in range(weeks):
        end = first_end + timedelta(weeks=n)
        begin = end - timedelta(days=6)
        rows.append(
            {
                "PRCo": co,
                "PRGroup": pr_group,
                "PREndDate": end,
                "BeginDate": begin,
                "BeginMth": begin.replace(day=1),
                "Status": 0,
            }
        )
    with engine.begin() as conn:
        have = set(
            conn.execute(
                sa.select(bPRPC.c.PREndDate).where(bPRPC.c.PRCo == co, bPRPC.c.PRGroup == pr_group)
            ).scalars()
        )
        fresh = [r for r in rows if r["PREndDate"] not in have]
        if fresh:
            conn.execute(sa.insert(bPRPC), fresh)
