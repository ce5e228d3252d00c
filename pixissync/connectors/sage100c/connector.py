"""The Sage 100 Contractor connector (sandbox mode: a SQLite/PostgreSQL stand-in).

Reads go through SQLAlchemy Core (:mod:`.reader`), so the production path only
swaps the URL for ``mssql+pyodbc``. Writes are MBXML request sets
(:mod:`.mbxml`, :mod:`.writer`) handed to a submitter: in sandbox mode the
:class:`~pixissync.sandbox.sage100c_api.SandboxSubmitter` applies them to the
database in one transaction.

Our source reference is stored in the user-defined field ``usrdf1`` (or the
``reference_field`` given) of every record we create; :meth:`find` looks it up
before apply creates anything.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, ClassVar, Literal

import polars as pl
from sqlalchemy import Select, bindparam, inspect, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.connectors.sage100c import reader
from pixissync.connectors.sage100c import schema as s
from pixissync.connectors.sage100c.tables import WRITABLE
from pixissync.connectors.sage100c.writer import Sage100cWriter, field_limits
from pixissync.errors import AmbiguousReferenceError, ConfigError, PermanentError, TransientError
from pixissync.model import ENTITIES, conform


class Sage100cConnector:
    """Sage 100 Contractor: pull every canonical entity, push customers, jobs, invoices, time.

    Args:
        url: SQLAlchemy URL of the company database (or a SQLite file path).
        mode: only ``"sandbox"`` for now (the XML API submitter runs on Windows).
        reference_field: the user-defined column holding our source reference.
        company: company name sent in the MBXML session block.
        user: user name sent in the MBXML session block and written to ``insusr``.
    """

    name: ClassVar[str] = "sage100c"
    pulls: ClassVar[frozenset[str]] = frozenset(ENTITIES)
    pushes: ClassVar[frozenset[str]] = frozenset(WRITABLE)

    def __init__(
        self,
        url: str,
        mode: Literal["sandbox"] = "sandbox",
        reference_field: str = "usrdf1",
        company: str = "",
        user: str = "pixissync",
    ) -> None:
        if mode != "sandbox":
            raise ConfigError(f'sage100c mode {mode!r} is not available yet; use mode = "sandbox"')
        for entity, (table, _, _) in WRITABLE.items():
            if reference_field not in s.TABLES[table].c:
                raise ConfigError(
                    f"sage100c reference_field {reference_field!r} is not a column of "
                    f"{table} (needed to find {entity} records we created)"
                )
        from pixissync.sandbox.sage100c_api import SandboxSubmitter
        from pixissync.sandbox.sage100c_db import sandbox_engine

        self.url = url
        self.reference_field = reference_field
        self.engine = sandbox_engine(url)
        self.writer = Sage100cWriter(
            self.engine,
            SandboxSubmitter(self.engine, user=user),
            reference_field=reference_field,
            company=company,
            user=user,
        )
        self.field_limits: dict[str, dict[str, int]] = field_limits()
        self.quarantine: dict[str, pl.DataFrame] = {}

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """The entity in canonical columns; rows Sage holds but we cannot trust are quarantined."""
        if entity not in ENTITIES:
            raise PermanentError(f"sage100c has no entity {entity!r}")
        try:
            with self.engine.connect() as conn:
                frame = reader.READERS[entity](conn, since)
        except OperationalError as exc:
            raise TransientError(
                "cannot read Sage 100 Contractor", system_message=str(exc.orig)
            ) from exc
        except DBAPIError as exc:
            raise PermanentError(
                "Sage 100 Contractor read failed", system_message=str(exc.orig)
            ) from exc
        valid, bad = conform(entity, reader.canonical(entity, frame), source=f"sage100c.{entity}")
        self.quarantine[entity] = bad
        return valid

    def push(self, change: Change) -> PushResult:
        """Create or update one record; a create already made (same reference) is not repeated."""
        if change.entity not in self.pushes:
            raise PermanentError(f"sage100c cannot write {change.entity} records")
        if change.action == "create":
            existing = self.find(change.entity, change.reference)
            if existing is not None:
                return PushResult(
                    existing, created=False, message="already in Sage (found by reference)"
                )
        return self.writer.push(change)

    def find(self, entity: str, reference: str) -> str | None:
        """The record number carrying ``reference`` in the reference field, if any."""
        if entity not in WRITABLE:
            raise PermanentError(f"sage100c does not stamp {entity} records with a reference")
        table = s.TABLES[WRITABLE[entity][0]]
        query = _find_query(table.name, self.reference_field)
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query, {"reference": reference})
                found = list(dict.fromkeys(str(row[0]) for row in rows))
        except OperationalError as exc:
            raise TransientError(
                "cannot read Sage 100 Contractor", system_message=str(exc.orig)
            ) from exc
        if len(found) > 1:
            raise AmbiguousReferenceError(
                f"more than one Sage {table.name} record carries {reference!r}: {', '.join(found)}"
            )
        return found[0] if found else None

    def closed_periods(self) -> list[tuple[int, int]]:
        """(year, month) of each locked period (Sage periods 1-12 are calendar months here)."""
        t = s.lckprd
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.postyr, t.c.actper).where(t.c.locked == 1)).all()
        return sorted((int(year), int(period)) for year, period in rows if 1 <= period <= 12)

    def check(self) -> list[CheckResult]:
        """Can we reach the database, are the Sage tables there, is the reference field set up."""
        results: list[CheckResult] = []
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                present = set(inspect(conn).get_table_names())
        except DBAPIError as exc:
            return [
                CheckResult("connection", False, f"cannot open {self.engine.url!r}: {exc.orig}")
            ]
        results.append(
            CheckResult("connection", True, f"connected to {self.engine.url.render_as_string()}")
        )
        missing = sorted(set(s.TABLES) - present)
        results.append(
            CheckResult(
                "tables",
                not missing,
                "all Sage tables present"
                if not missing
                else f"missing tables: {', '.join(missing)}",
            )
        )
        if not missing:
            closed = self.closed_periods()
            results.append(
                CheckResult(
                    "reference field",
                    True,
                    f"our reference is kept in {self.reference_field} on "
                    + ", ".join(t for t, _, _ in WRITABLE.values()),
                )
            )
            shown = ", ".join(f"{y}-{m:02d}" for y, m in closed) or "none"
            results.append(CheckResult("closed periods", True, f"locked periods: {shown}"))
        return results

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


@functools.lru_cache(maxsize=32)
def _find_query(table: str, field: str) -> Select[Any]:
    """Rows carrying a reference (a time entry has a row per pay line).

    No DISTINCT/LIMIT: with them PostgreSQL may walk the recnum index instead of
    using the reference index; the rows with one reference are few anyway.
    """
    t = s.TABLES[table]
    return select(t.c.recnum).where(t.c[field] == bindparam("reference"))
