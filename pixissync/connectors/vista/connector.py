"""The Viewpoint Vista connector: SQL reads, master-table and batch writes.

Usage::

    vista = create("vista", url="mssql+pyodbc://...", co=1, login="svc_pixis")
    customers = vista.pull("customer")
    vista.push(change)          # customer/job: master tables; invoice/time: open batch
    vista.open_batches()        # what a Vista user still has to validate and post

A created invoice or timecard gets a batch address (``ARBH:1/2024-03/7/12``) as
its target id; once the batch is posted a later :meth:`pull` shows the posted
record carrying our reference in ``external_ref`` and :meth:`find` returns its
posted key: that is the confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.connectors.vista import batch_writes, reader, writer
from pixissync.connectors.vista.batches import (
    OUR_MARK,
    STATUS_WORDS,
    VALIDATED,
    BatchKey,
    BatchProcedures,
    SqlServerProcedures,
    batch_errors,
)
from pixissync.connectors.vista.config import VistaSettings
from pixissync.connectors.vista.tables import (
    bARBH,
    bARCM,
    bARTH,
    bGLCO,
    bHQBC,
    bJCJM,
    bPRPC,
    bPRTB,
    bPRTH,
    metadata,
)
from pixissync.errors import AmbiguousReferenceError, PermanentError, TransientError
from pixissync.model import conform, empty_frame

_BATCH_SOURCES = {"invoice": ("AR Invoice", bARBH), "time_entry": ("PR Entry", bPRTB)}


class VistaConnector:
    """Reads Vista company data and writes customers, jobs, AR invoices and timecards."""

    name: ClassVar[str] = "vista"
    pulls: ClassVar[frozenset[str]] = frozenset(
        {
            "customer",
            "job",
            "invoice",
            "invoice_line",
            "payment",
            "payment_application",
            "time_entry",
            "cost_code",
            "employee",
        }
    )
    pushes: ClassVar[frozenset[str]] = frozenset({"customer", "job", "invoice", "time_entry"})
    # entity -> canonical field -> Vista column width, for the planner's pre-flight checks
    field_limits: ClassVar[dict[str, dict[str, int]]] = {
        "customer": {f: width for f, (_, width) in writer.CUSTOMER_FIELDS.items()},
        "job": {"job_number": 10, **{f: width for f, (_, width) in writer.JOB_FIELDS.items()}},
        "invoice": {"invoice_number": 10},
    }

    def __init__(
        self,
        settings: VistaSettings,
        *,
        engine: Engine | None = None,
        procedures: BatchProcedures | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine or sa.create_engine(settings.url, **settings.engine_options)
        self.procedures = procedures or SqlServerProcedures()
        self._today = today or (lambda: datetime.now(UTC).date())
        # entity -> rows of the last read that failed the canonical checks
        self.quarantine: dict[str, pl.DataFrame] = {}

    # -- reads -------------------------------------------------------------

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """The entity in canonical columns; rows failing checks go to ``quarantine[entity]``."""
        if entity not in self.pulls:
            raise PermanentError(f"vista cannot read {entity!r}; it reads {sorted(self.pulls)}")
        s = self.settings
        with self._connect() as conn:
            raw: pl.DataFrame
            match entity:
                case "customer":
                    raw = reader.customers(conn, s, since)
                case "job":
                    raw = reader.jobs(conn, s, since)
                case "invoice":
                    raw = reader.invoices(conn, s, since)
                case "invoice_line":
                    raw = reader.invoice_lines(conn, s)
                case "payment":
                    raw = reader.payments(conn, s, since)
                case "payment_application":
                    raw = reader.payment_applications(conn, s)
                case "time_entry":
                    raw = reader.time_entries(conn, s, since)
                case "cost_code":
                    raw = reader.cost_codes(conn, s)
                case _:
                    raw = reader.employees(conn, s)
        if raw.height == 0:
            return empty_frame(entity)
        valid, self.quarantine[entity] = conform(entity, raw, source="vista")
        return valid

    def find(self, entity: str, reference: str) -> str | None:
        """The key of the record carrying ``reference``: posted first, else its batch row."""
        with self._connect() as conn:
            return self._find(conn, entity, reference)

    def _find(self, conn: Connection, entity: str, reference: str) -> str | None:
        s = self.settings
        keys: list[str]
        if entity == "customer":
            keys = [
                str(k)
                for k in conn.execute(
                    sa.select(bARCM.c.Customer).where(
                        bARCM.c.CustGroup == s.cust_group, bARCM.c.udPixisRef == reference
                    )
                ).scalars()
            ]
        elif entity == "job":
            keys = list(
                conn.execute(
                    sa.select(bJCJM.c.Job).where(
                        bJCJM.c.JCCo == s.co, bJCJM.c.udPixisRef == reference
                    )
                ).scalars()
            )
        elif entity in ("invoice", "payment"):
            kind = "I" if entity == "invoice" else "P"
            rows = conn.execute(
                sa.select(bARTH.c.Mth, bARTH.c.ARTrans).where(
                    bARTH.c.ARCo == s.co,
                    bARTH.c.ARTransType == kind,
                    bARTH.c.udPixisRef == reference,
                )
            ).all()
            keys = [f"{r.Mth:%Y-%m}/{r.ARTrans}" for r in rows]
            if not keys and entity == "invoice":
                keys = self._pending(conn, bARBH, "ARBH", reference)
        elif entity == "time_entry":
            lines = conn.execute(
                sa.select(
                    bPRTH.c.PRGroup,
                    bPRTH.c.PREndDate,
                    bPRTH.c.Employee,
                    bPRTH.c.PaySeq,
                    bPRTH.c.PostSeq,
                )
                .where(bPRTH.c.PRCo == s.co, bPRTH.c.udPixisRef == reference)
                .order_by(bPRTH.c.KeyID)
            ).all()
            # Our lines for one entry (one per earn code) share the reference.
            days = {(r.PRGroup, r.PREndDate, r.Employee) for r in lines}
            keys = (
                [
                    f"{r.PRGroup}/{r.PREndDate}/{r.Employee}/{r.PaySeq}/{r.PostSeq}"
                    for r in lines[:1]
                ]
                if len(days) == 1
                else [str(d) for d in days]
            )
            if not keys:
                keys = self._pending(conn, bPRTB, "PRTB", reference)[:1]
        else:
            raise PermanentError(f"vista cannot look up {entity!r} by reference")
        if len(keys) > 1:
            raise AmbiguousReferenceError(
                f"{len(keys)} Vista {entity} records carry {reference}: {', '.join(keys[:5])}"
            )
        return keys[0] if keys else None

    def _pending(self, conn: Connection, table: sa.Table, prefix: str, ref: str) -> list[str]:
        rows = conn.execute(
            sa.select(table.c.Co, table.c.Mth, table.c.BatchId, table.c.BatchSeq)
            .where(table.c.Co == self.settings.co, table.c.udPixisRef == ref)
            .order_by(table.c.BatchSeq)
        ).all()
        return [f"{prefix}:{BatchKey(r.Co, r.Mth, r.BatchId)}/{r.BatchSeq}" for r in rows]

    # -- writes ------------------------------------------------------------

    def push(self, change: Change) -> PushResult:
        """Write one change in one transaction, looking for our reference first."""
        if change.entity not in self.pushes:
            raise PermanentError(
                f"vista does not take {change.entity!r} writes; it takes {sorted(self.pushes)}"
            )
        s, today = self.settings, self._today()
        try:
            with self.engine.begin() as conn:
                if change.action == "create":
                    existing = self._find(conn, change.entity, change.reference)
                    if existing is not None:
                        return PushResult(existing, created=False, message="already in Vista")
                target = self._write(conn, s, change, today)
        except (PermanentError, TransientError):
            raise
        except sa.exc.DBAPIError as exc:
            raise _classify(exc, change) from exc
        if s.post_batches and change.entity in _BATCH_SOURCES and change.action == "create":
            self.post_open_batches()
            posted = self.find(change.entity, change.reference)
            target = posted or target
        return PushResult(target, created=change.action == "create")

    def _write(self, conn: Connection, s: VistaSettings, change: Change, today: date) -> str:
        match (change.entity, change.action):
            case ("customer", "create"):
                return writer.create_customer(conn, s, change)
            case ("customer", "update"):
                return writer.update_customer(conn, s, change)
            case ("job", "create"):
                return writer.create_job(conn, s, change)
            case ("job", "update"):
                return writer.update_job(conn, s, change)
            case ("invoice", "create"):
                return batch_writes.add_invoice(conn, s, change, today)
            case ("time_entry", "create"):
                return batch_writes.add_timecard(conn, s, change, today)
        raise PermanentError(
            f"vista cannot {change.action} the {change.entity} {change.reference}: posted AR and "
            "payroll transactions are changed in Vista by a reversing batch, not by an update"
        )

    def open_batches(self) -> pl.DataFrame:
        """Our batches not yet posted: what a Vista user still has to validate and post."""
        b = bHQBC.c
        with self._connect() as conn:
            rows = conn.execute(
                sa.select(b.Co, b.Mth, b.BatchId, b.Source, b.Status, b.InUseBy)
                .where(b.Co == self.settings.co, b.udPixisRef == OUR_MARK, b.Status < 5)
                .order_by(b.Mth, b.BatchId)
            ).all()
        return pl.DataFrame(
            {
                "batch": [str(BatchKey(r.Co, r.Mth, r.BatchId)) for r in rows],
                "source": [r.Source for r in rows],
                "status": [STATUS_WORDS.get(r.Status, str(r.Status)) for r in rows],
                "in_use_by": [r.InUseBy for r in rows],
            },
            schema={
                "batch": pl.String,
                "source": pl.String,
                "status": pl.String,
                "in_use_by": pl.String,
            },
        )

    def post_open_batches(self) -> list[str]:
        """Validate and post our open batches (only where the site allows it).

        Returns:
            one line per batch saying what happened; a batch with validation errors
            is left for a Vista user, its ``bHQBE`` errors in the line.
        """
        b = bHQBC.c
        report: list[str] = []
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(b.Co, b.Mth, b.BatchId, b.Source)
                .where(
                    b.Co == self.settings.co,
                    b.udPixisRef == OUR_MARK,
                    b.Status == 0,
                    b.InUseBy.is_(None),
                )
                .order_by(b.Mth, b.BatchId)
            ).all()
        for r in rows:
            key = BatchKey(r.Co, r.Mth, r.BatchId)
            with self.engine.begin() as conn:
                status = self.procedures.validate(conn, key, r.Source)
                if status != VALIDATED:
                    report.append(f"{key} {r.Source}: " + "; ".join(batch_errors(conn, key)))
                    continue
                self.procedures.post(conn, key, r.Source, self._today())
                report.append(f"{key} {r.Source}: posted")
        return report

    # -- health ------------------------------------------------------------

    def check(self) -> list[CheckResult]:
        """Can we connect, see every table with our ud column, and write this month?"""
        results: list[CheckResult] = []
        try:
            with self._connect() as conn:
                results.append(
                    CheckResult(
                        "connect",
                        True,
                        f"connected to {self.engine.url.render_as_string(hide_password=True)}",
                    )
                )
                for table in metadata.sorted_tables:
                    try:
                        conn.execute(sa.select(*table.c).limit(1)).all()
                        results.append(CheckResult(f"table {table.name}", True, "readable"))
                    except sa.exc.DBAPIError as exc:
                        conn.rollback()
                        results.append(CheckResult(f"table {table.name}", False, _first_line(exc)))
                results.extend(self._site_checks(conn))
        except sa.exc.DBAPIError as exc:
            results.append(CheckResult("connect", False, _first_line(exc)))
        return results

    def _site_checks(self, conn: Connection) -> list[CheckResult]:
        s = self.settings
        out: list[CheckResult] = []
        if self.engine.dialect.name == "mssql":
            who = conn.execute(sa.select(sa.func.SUSER_SNAME())).scalar_one()
            out.append(
                CheckResult(
                    "batch login",
                    who == s.login,
                    f"connected as {who}; batches are created as {s.login}"
                    + ("" if who == s.login else " — Vista lets only the creator post them"),
                )
            )
        glco = conn.execute(sa.select(bGLCO.c.LastMthARClsd).where(bGLCO.c.GLCo == s.gl_co)).first()
        out.append(
            CheckResult(
                "AR month",
                glco is not None,
                f"last closed AR month {glco[0]}"
                if glco
                else f"no bGLCO row for GL company {s.gl_co}",
            )
        )
        periods = conn.execute(
            sa.select(sa.func.count())
            .select_from(bPRPC)
            .where(bPRPC.c.PRCo == s.co, bPRPC.c.Status == 0)
        ).scalar_one()
        out.append(CheckResult("open pay periods", periods > 0, f"{periods} open in bPRPC"))
        return out

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except sa.exc.DBAPIError as exc:
            raise TransientError(
                "cannot connect to Vista", system_message=_first_line(exc)
            ) from exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


_TRANSIENT_WORDS = (
    "deadlock",
    "lock request time out",
    "timeout",
    "could not serialize",
    "connection",
)


def _classify(exc: sa.exc.DBAPIError, change: Change) -> Exception:
    """Lock timeouts, deadlocks and dropped connections can be retried; the rest cannot."""
    text = _first_line(exc)
    where = f"{change.entity} {change.reference}"
    if (
        exc.connection_invalidated
        or isinstance(exc, sa.exc.OperationalError)
        or any(w in text.lower() for w in _TRANSIENT_WORDS)
    ):
        return TransientError(f"Vista did not take {where} (retry)", system_message=text)
    return PermanentError(f"Vista refused {where}", system_message=text)


def vista_connector(**settings: Any) -> VistaConnector:
    """Registry factory: ``create("vista", url=..., co=1, ...)``.

    ``engine`` (an existing SQLAlchemy engine) and ``today`` (a clock for batch dates)
    may be passed for tests. ``sandbox=True`` runs against the stand-in database:
    batches are validated and posted by the emulation in
    :mod:`pixissync.sandbox.vista_db`, and audit rows are written as Vista's
    triggers would.
    """
    sandbox = bool(settings.pop("sandbox", False)) or settings.pop("mode", None) == "sandbox"
    procedures: BatchProcedures | None = None
    engine = settings.pop("engine", None)
    if sandbox:
        from pixissync.sandbox.vista_db import EmulatedProcedures, create_vista_db

        settings.setdefault("audit_writes", True)
        procedures = EmulatedProcedures()
        if engine is None:
            engine = create_vista_db(str(settings.get("url", "")))
    today = settings.pop("today", None)
    return VistaConnector(
        VistaSettings(**settings), engine=engine, procedures=procedures, today=today
    )
