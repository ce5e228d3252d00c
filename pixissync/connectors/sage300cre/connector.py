"""The Sage 300 CRE connector: ODBC reads, PR Import Time files for writes.

Usage::

    sage = create("sage300cre", data_folder=r"\\\\SAGE\\Data\\ABC", uid="odbc", pwd=...,
                  drop_folder=r"\\\\SAGE\\Imports\\PixisSync")
    sage.pull("job")
    sage.push(change)     # a time entry: checked, recorded in the ledger, written to the file
    sage.close()          # finishes the import file for the payroll clerk

Only time entries are written: the reference documents PR Import Time; an AP
import format exists but its layout is not documented there, and no AR import
format was found, so invoices, customers and jobs are not written to Sage 300 CRE.

A pushed entry's target id is ``import:<file>#<line>`` until a later
:meth:`pull` of ``time_entry`` finds it in job cost; from then on :meth:`find`
returns its entry id (our reference). Lines not found after
``flag_after_runs`` reads are flagged in the ledger and reported by :meth:`check`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.connectors.sage300cre import reader
from pixissync.connectors.sage300cre.config import Sage300Settings
from pixissync.connectors.sage300cre.imports import ImportLedger, TimeImportFile, TimeLine
from pixissync.connectors.sage300cre.odbc import TimberlineSource
from pixissync.errors import (
    AmbiguousReferenceError,
    ConfigError,
    PermanentError,
    PixisSyncError,
)
from pixissync.model import conform, empty_frame


class Sage300Connector:
    """Reads a Sage 300 CRE company over ODBC; writes payroll time as import files."""

    name: ClassVar[str] = "sage300cre"
    pulls: ClassVar[frozenset[str]] = frozenset(
        {
            "customer",
            "job",
            "invoice",
            "payment",
            "payment_application",
            "time_entry",
            "cost_code",
            "employee",
        }
    )
    pushes: ClassVar[frozenset[str]] = frozenset({"time_entry"})

    def __init__(
        self, settings: Sage300Settings, *, on_file_ready: Callable[[Path], None] | None = None
    ) -> None:
        """Args:
        on_file_ready: called with each finished import file; the sandbox uses it to
            run the import at once, as a site whose clerk imports straight away.
        """
        self.settings = settings
        self.on_file_ready = on_file_ready
        self.source = TimberlineSource(settings)
        self._ledger: ImportLedger | None = None
        self._file: TimeImportFile | None = None
        self._masters: dict[str, set[Any]] | None = None
        self._seen: dict[str, int] | None = None
        # entity -> rows of the last read that failed the canonical checks
        self.quarantine: dict[str, pl.DataFrame] = {}
        self.last_reconcile: dict[str, int] = {}

    @property
    def ledger(self) -> ImportLedger:
        if self._ledger is None:
            self._ledger = ImportLedger(self.settings.drop_path)
        return self._ledger

    # -- reads -------------------------------------------------------------

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """Return the entity in canonical columns; a time read also reconciles the ledger."""
        if entity not in self.pulls:
            raise PermanentError(
                f"sage300cre cannot read {entity!r}; it reads {sorted(self.pulls)}"
            )
        src = self.source
        raw: pl.DataFrame
        match entity:
            case "customer":
                raw = reader.customers(src, since)
            case "job":
                raw = reader.jobs(src, since)
            case "invoice":
                raw = reader.invoices(src, since)
            case "payment":
                raw = reader.payments(src, since)
            case "payment_application":
                raw = reader.payment_applications(src)
            case "cost_code":
                raw = reader.cost_codes(src)
            case "employee":
                raw = reader.employees(src)
            case _:
                rows = reader.pr_time_rows(src, since)
                if since is None:
                    self._remember(rows)
                else:
                    self._seen = None
                if self.settings.drop_folder:
                    self.last_reconcile = self.ledger.reconcile(rows, self.settings.flag_after_runs)
                raw = reader.time_entries(rows, self.settings, since)
        if raw.height == 0:
            return empty_frame(entity)
        valid, self.quarantine[entity] = conform(entity, raw, source="sage300cre")
        return valid

    def find(self, entity: str, reference: str) -> str | None:
        """Our entry in Sage (confirmed), else its line in a pending import file."""
        if entity != "time_entry":
            raise PermanentError(f"sage300cre does not look up {entity!r} by reference")
        lines = self.ledger.lines_of(reference)
        if any(status == "confirmed" for _, _, status in lines):
            return reference
        days = self._references_in_sage().get(reference, 0)
        if days > 1:
            raise AmbiguousReferenceError(
                f"{days} Sage 300 CRE time entries on different days carry {reference}"
            )
        if days:
            return reference
        if lines:
            file, line_no, _ = lines[0]
            return f"import:{file}#{line_no}"
        return None

    def _references_in_sage(self) -> dict[str, int]:
        """Our references found in job cost -> on how many days (read once per session)."""
        if self._seen is None:
            rows = reader.pr_time_rows(self.source, None)
            self._remember(rows)
        assert self._seen is not None
        return self._seen

    def _remember(self, rows: pl.DataFrame) -> None:
        ours = rows.filter(pl.col("Description").str.starts_with("pxs:").fill_null(False))
        counts = ours.group_by("Description").agg(pl.col("Date").n_unique())
        self._seen = dict(counts.iter_rows())

    # -- writes ------------------------------------------------------------

    def push(self, change: Change) -> PushResult:
        """Write one time entry into the session's PR Import Time file (after checks)."""
        if change.entity != "time_entry" or change.action != "create":
            raise PermanentError(
                f"sage300cre cannot {change.action} the {change.entity} {change.reference}: "
                "only new time entries go in by PR Import Time (no AR import format is documented)"
            )
        existing = self.find("time_entry", change.reference)
        if existing is not None:
            return PushResult(existing, created=False, message="already in the import ledger")
        lines = self._lines(change)
        if self._file is None:
            self._file = TimeImportFile(self.settings, self.ledger)
        file, first = self._file.add(lines)
        target = f"import:{file}#{first}"
        if self.on_file_ready is not None:
            done = self._file.finish()
            if done is not None:
                self.on_file_ready(done)
            rows = reader.pr_time_rows(self.source, None)
            self.ledger.reconcile(rows, self.settings.flag_after_runs)
            self._remember(rows)
            return PushResult(self.find("time_entry", change.reference) or target, created=True)
        return PushResult(target, created=True, message="awaiting PR import")

    def _lines(self, change: Change) -> list[TimeLine]:
        v, where = change.values, f"time_entry {change.reference}"
        employee = str(change.parents.get("employee_id") or v.get("employee_id") or "").strip()
        job = str(
            change.parents.get("job_id") or v.get("job_number") or v.get("job_id") or ""
        ).strip()
        code = str(v.get("cost_code") or "").strip()
        extra = str(v.get("extra") or "").strip()
        work = v.get("work_date")
        try:
            work_date = work if isinstance(work, date) else date.fromisoformat(str(work)[:10])
        except ValueError:
            raise PermanentError(
                f"{where}: field 'work_date' must be a date, got {work!r}"
            ) from None
        self._require("employee", employee, "employee_id", where, "PRM_MASTER__EMPLOYEE")
        self._require("job", job, "job_id", where, "JCM_MASTER__JOB")
        self._require("cost_code", (job, extra, code), "cost_code", where, "JCM_MASTER__COST_CODE")
        lines = [
            TimeLine(
                employee,
                work_date,
                job,
                extra,
                code,
                pay_id,
                Decimal(str(v.get(column) or 0)).quantize(Decimal("0.01")),
                change.reference,
            )
            for column, pay_id in self.settings.pay_ids.items()
            if Decimal(str(v.get(column) or 0)) != 0
        ]
        if not lines:
            raise PermanentError(f"{where}: field 'regular_hours': no hours to import")
        return lines

    def _require(self, kind: str, value: Any, field: str, where: str, table: str) -> None:
        """Refuse what PR Import Time would reject: it does not create jobs, codes or people."""
        for refresh in (False, True):
            if value in self._master_sets(refresh)[kind]:
                return
        shown = "/".join(p for p in value if p) if isinstance(value, tuple) else value
        raise PermanentError(
            f"{where}: field {field!r}: {shown!r} does not exist in {table}; "
            "Sage 300 CRE's time import does not create it — set it up in Sage first"
        )

    def _master_sets(self, refresh: bool) -> dict[str, set[Any]]:
        if self._masters is None or refresh:
            codes = reader.job_cost_codes(self.source)
            self._masters = {
                "employee": set(reader.employees(self.source)["employee_id"].to_list()),
                "job": set(reader.jobs(self.source, None)["job_id"].to_list()),
                "cost_code": {
                    (j, e or "", c)
                    for j, e, c in codes.select("Job", "Extra", "Cost_Code").iter_rows()
                },
            }
        return self._masters

    def finish_import_file(self) -> str | None:
        """Hand the current import file to the payroll clerk; returns its name."""
        done = self._file.finish() if self._file else None
        return done.name if done else None

    def import_ledger(self) -> pl.DataFrame:
        """Every line we wrote, with its status (pending, confirmed, flagged)."""
        return self.ledger.lines()

    # -- health ------------------------------------------------------------

    def check(self) -> list[CheckResult]:
        out: list[CheckResult] = []
        try:
            self.source.connection()
            out.append(CheckResult("connect", True, f"ODBC {self.settings.redacted()}"))
        except PixisSyncError as exc:
            return [CheckResult("connect", False, str(exc))]
        for logical in (
            reader.CUSTOMER,
            reader.JOB,
            reader.COST_CODE,
            reader.AR_TRANSACTION,
            reader.JC_TRANSACTION,
            reader.EMPLOYEE,
        ):
            try:
                out.append(
                    CheckResult(
                        f"table {'_'.join(logical)}", True, " + ".join(self.source.resolve(logical))
                    )
                )
            except ConfigError as exc:
                out.append(CheckResult(f"table {'_'.join(logical)}", False, str(exc)))
        if self.settings.drop_folder:
            folder = self.settings.drop_path
            writable = folder.exists() or folder.parent.exists()
            out.append(CheckResult("drop folder", writable, str(folder)))
            if writable:
                counts = self.ledger.counts()
                out.append(
                    CheckResult(
                        "import ledger",
                        counts["flagged"] == 0,
                        f"{counts['confirmed']} confirmed, {counts['pending']} awaiting import, "
                        f"{counts['flagged']} flagged (not seen after "
                        f"{self.settings.flag_after_runs} reads)",
                    )
                )
        return out

    def close(self) -> None:
        """Finish the import file, close the ledger and the ODBC connection."""
        self.finish_import_file()
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
        self.source.close()


def sage300_connector(**settings: Any) -> Sage300Connector:
    """Registry factory: ``create("sage300cre", data_folder=..., drop_folder=..., ...)``.

    ``sandbox="path/to/company.sqlite"`` (or ``sandbox=True``/``mode="sandbox"`` with
    ``db_path``) reads the stand-in through the SQLite3 ODBC driver instead of
    Timberline Data; with ``auto_import=True`` each import
    file is run into the stand-in as soon as it is written (demo and contract tests).
    """
    sandbox = settings.pop("sandbox", None)
    db_path = settings.pop("db_path", None)
    if settings.pop("mode", None) == "sandbox" or sandbox is True:
        sandbox = db_path
        if not sandbox:
            raise ConfigError("sage300cre sandbox: set 'db_path' to the stand-in's SQLite file")
    auto_import = bool(settings.pop("auto_import", False))
    if sandbox:
        # A SQLite file read through the SQLite3 ODBC driver, or any ODBC connection string.
        text = str(sandbox)
        odbc = "DRIVER=" in text.upper()
        settings.setdefault(
            "connection_string", text if odbc else f"DRIVER={{SQLite3}};Database={text}"
        )
    if "time_view" in settings:
        settings["time_view"] = tuple(settings["time_view"])
    config = Sage300Settings(**settings)
    hook: Callable[[Path], None] | None = None
    if sandbox and auto_import:
        from pixissync.sandbox.sage300_db import run_import

        def hook(file: Path) -> None:
            run_import(sandbox, file, config)

    return Sage300Connector(config, on_file_ready=hook)
