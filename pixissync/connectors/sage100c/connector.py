"""The Sage 100 Contractor connector: sandbox (SQLite/PostgreSQL stand-in) or production.

Reads go through SQLAlchemy Core (:mod:`.reader`, keyset-paged). In sandbox
mode the engine is the stand-in's; in production mode it is ``mssql+pyodbc``
to the company database, built from the profile's settings by
:mod:`.production` (instance, company, login, password, ``APP=`` name, driver).

Writes are MBXML request sets (:mod:`.mbxml`, :mod:`.writer`) handed to a
submitter: in sandbox mode the
:class:`~pixissync.sandbox.sage100c_api.SandboxSubmitter` applies them to the
database in one transaction; in production mode the
:class:`~.windows_api.WindowsApiSubmitter` calls ``Sage.100.Contractor.Api.dll``
(built on the first write, so a Linux host can still read).

Our source reference is stored in the user-defined field ``usrdf1`` (or the
``reference_field`` given) of every record we create. Following the
reference's idempotency pattern, a create first looks the reference up
(:meth:`find`; two records carrying it is an AmbiguousReferenceError), the
request set is sent with ``stopOnError``, and in production mode the record is
read back afterwards: Sage commits only when the API session ends, so an
answer of "OK" is not proof the record is there.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
from sqlalchemy import Engine, Select, bindparam, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.connectors.sage100c import reader
from pixissync.connectors.sage100c import schema as s
from pixissync.connectors.sage100c.paging import PAGE_SIZE
from pixissync.connectors.sage100c.production import (
    DRIVERS,
    ProductionSettings,
    database_error,
    production_engine,
)
from pixissync.connectors.sage100c.tables import WRITABLE
from pixissync.connectors.sage100c.writer import Sage100cWriter, Submitter, field_limits
from pixissync.errors import AmbiguousReferenceError, ConfigError, PermanentError
from pixissync.model import ENTITIES, conform


class Sage100cConnector:
    """Sage 100 Contractor: pull every canonical entity, push customers, jobs, invoices, time.

    Args:
        url: sandbox: SQLAlchemy URL of the stand-in database (or a SQLite file path).
        mode: ``"sandbox"`` or ``"production"`` (SQL Server reads, Sage API writes).
        reference_field: the user-defined column holding our source reference.
        company: the company: MBXML session company and, in production, its database.
        user: the Sage user in the MBXML session (written to ``insusr`` by the sandbox).
        host: production: ``HOST\\SAGE100CON`` (or ``HOST`` with ``port``).
        login: production: the SQL login (sysadmin + Company Administrator).
        password: production: the SQL login's password (from ``password_env``).
        app_name: production: ``APP=`` name; must be on the company's allowed list.
        driver: production: ``ODBC Driver 18 for SQL Server`` (default) or ``FreeTDS``.
        port: production: a fixed TCP port instead of the instance name.
        trust_server_certificate: production: accept Sage's self-signed certificate.
        api_password: production: the Sage API user's password (default: ``password``).
        api_dll: production: path of ``Sage.100.Contractor.Api.dll``.
        page_size: rows per keyset page when reading.
        server_timezone: the zone of Sage's naive ``upddte`` times (the SQL Server's
            clock, e.g. ``America/Chicago``); pulled ``updated_at`` is always UTC.
        submitter: send MBXML through this instead of the mode's own submitter.
        read_back: confirm each write by reading it back (default: in production mode).
    """

    name: ClassVar[str] = "sage100c"
    pulls: ClassVar[frozenset[str]] = frozenset(ENTITIES)
    pushes: ClassVar[frozenset[str]] = frozenset(WRITABLE)

    def __init__(
        self,
        url: str = "",
        mode: Literal["sandbox", "production"] = "sandbox",
        reference_field: str = "usrdf1",
        company: str = "",
        user: str = "pixissync",
        *,
        host: str = "",
        login: str = "",
        password: str = "",
        app_name: str = "PixisSync",
        driver: str = DRIVERS[0],
        port: int | None = None,
        trust_server_certificate: bool = True,
        api_password: str | None = None,
        api_dll: str | None = None,
        page_size: int = PAGE_SIZE,
        server_timezone: str = "UTC",
        submitter: Submitter | None = None,
        read_back: bool | None = None,
    ) -> None:
        if mode not in ("sandbox", "production"):
            raise ConfigError(f'sage100c mode {mode!r} is unknown; use "sandbox" or "production"')
        if page_size < 1:
            raise ConfigError(f"sage100c page_size must be positive, got {page_size}")
        try:
            ZoneInfo(server_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"sage100c server_timezone {server_timezone!r} is not a known time zone"
            ) from None
        for entity, (table, _, _) in WRITABLE.items():
            if reference_field not in s.TABLES[table].c:
                raise ConfigError(
                    f"sage100c reference_field {reference_field!r} is not a column of "
                    f"{table} (needed to find {entity} records we created)"
                )
        self.mode = mode
        self.url = url
        self.reference_field = reference_field
        self.page_size = page_size
        self.server_timezone = server_timezone
        self.read_back = mode == "production" if read_back is None else read_back
        self.settings: ProductionSettings | None = None
        self.engine: Engine
        if mode == "production":
            self.settings = ProductionSettings(
                host=host,
                company=company,
                login=login,
                password=password,
                app_name=app_name,
                driver=driver,
                port=port,
                trust_server_certificate=trust_server_certificate,
            )
            self.engine = production_engine(self.settings)
            if submitter is None:
                submitter = _DeferredApiSubmitter(
                    self.settings, user, password if api_password is None else api_password, api_dll
                )
        else:
            from pixissync.sandbox.sage100c_db import sandbox_engine

            self.engine = sandbox_engine(url)
            if submitter is None:
                from pixissync.sandbox.sage100c_api import SandboxSubmitter

                submitter = SandboxSubmitter(self.engine, user=user)
        self.writer = Sage100cWriter(
            self.engine,
            submitter,
            reference_field=reference_field,
            company=company,
            user=user,
        )
        self.field_limits: dict[str, dict[str, int]] = field_limits()
        self.quarantine: dict[str, pl.DataFrame] = {}

    def __repr__(self) -> str:
        where = self.settings.describe() if self.settings else repr(self.url)
        return f"Sage100cConnector(mode={self.mode!r}, {where})"

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """The entity in canonical columns; rows Sage holds but we cannot trust are quarantined."""
        if entity not in ENTITIES:
            raise PermanentError(f"sage100c has no entity {entity!r}")
        try:
            with self.engine.connect() as conn:
                frame = reader.READERS[entity](
                    conn, since, page_size=self.page_size, zone=self.server_timezone
                )
        except (DBAPIError, PoolTimeoutError) as exc:
            raise database_error(exc, "cannot read Sage 100 Contractor", self.settings) from None
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
        result = self.writer.push(change)
        if self.read_back:
            self._confirm(change, result)
        return result

    def _confirm(self, change: Change, result: PushResult) -> None:
        """Read the record back: Sage commits when its API session ends, not when it answers."""
        if change.action == "create":
            found = self.find(change.entity, change.reference)
            there = found == result.target_id
            what = f"no {change.entity} carries {change.reference!r}"
            if found is not None and not there:
                what = f"{change.reference!r} is on record {found}, not {result.target_id}"
        else:
            there = self._exists(change.entity, result.target_id)
            what = f"no {change.entity} record {result.target_id}"
        if not there:
            raise PermanentError(
                f"Sage accepted the request but the record is not there ({what}); "
                "check the Sage API log before applying again"
            )

    def _exists(self, entity: str, recnum: str) -> bool:
        table = s.TABLES[WRITABLE[entity][0]]
        try:
            key = int(recnum)
        except ValueError:
            return False
        try:
            with self.engine.connect() as conn:
                row = conn.execute(_exists_query(table.name), {"recnum": key}).first()
        except (DBAPIError, PoolTimeoutError) as exc:
            raise database_error(exc, "cannot read Sage 100 Contractor", self.settings) from None
        return row is not None

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
        except (DBAPIError, PoolTimeoutError) as exc:
            raise database_error(exc, "cannot read Sage 100 Contractor", self.settings) from None
        if len(found) > 1:
            raise AmbiguousReferenceError(
                f"more than one Sage {table.name} record carries {reference!r}: {', '.join(found)}"
            )
        return found[0] if found else None

    def closed_periods(self) -> list[tuple[int, int]]:
        """(year, month) of each locked period (Sage periods 1-12 are calendar months here).

        ``lckprd`` is the stand-in's table [I]; a company database without it
        gives no locked periods here, and Sage's API refuses a posting to a locked
        period itself at apply time (the proposal fails with Sage's message).
        """
        t = s.lckprd
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table(t.name):
                    return []
                rows = conn.execute(select(t.c.postyr, t.c.actper).where(t.c.locked == 1)).all()
        except (DBAPIError, PoolTimeoutError) as exc:
            raise database_error(exc, "cannot read Sage 100 Contractor", self.settings) from None
        return sorted((int(year), int(period)) for year, period in rows if 1 <= period <= 12)

    def check(self) -> list[CheckResult]:
        """Can we reach the database, are the Sage tables there, is the reference field set up."""
        writable = sorted({table for table, _, _ in WRITABLE.values()})
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                inspector = inspect(conn)
                present = set(inspector.get_table_names())
                unstamped = [
                    table
                    for table in writable
                    if table in present
                    and self.reference_field
                    not in {column["name"] for column in inspector.get_columns(table)}
                ]
        except (DBAPIError, PoolTimeoutError) as exc:
            error = database_error(exc, f"cannot open {self._where()}", self.settings)
            return [CheckResult("connection", False, str(error))]
        results = [CheckResult("connection", True, f"connected to {self._where()}")]
        missing = sorted(set(s.TABLES) - present - {s.lckprd.name})
        results.append(
            CheckResult(
                "tables",
                not missing,
                "all Sage tables present"
                if not missing
                else f"missing tables: {', '.join(missing)}",
            )
        )
        results.append(
            CheckResult(
                "reference field",
                not unstamped,
                f"our reference is kept in {self.reference_field} on {', '.join(writable)}"
                if not unstamped
                else f"{', '.join(unstamped)} lack the user-defined field {self.reference_field}: "
                "add it in Sage (or set reference_field to the field the company uses)",
            )
        )
        if s.lckprd.name in present:
            shown = ", ".join(f"{y}-{m:02d}" for y, m in self.closed_periods()) or "none"
            results.append(CheckResult("closed periods", True, f"locked periods: {shown}"))
        else:
            results.append(
                CheckResult(
                    "closed periods",
                    True,
                    "period locks are not read; Sage refuses postings to locked periods at apply",
                )
            )
        return results

    def _where(self) -> str:
        if self.settings is not None:
            return self.settings.describe()
        return self.engine.url.render_as_string()  # hides a password, if the URL has one

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


@functools.lru_cache(maxsize=32)
def _exists_query(table: str) -> Select[Any]:
    t = s.TABLES[table]
    return select(t.c.recnum).where(t.c.recnum == bindparam("recnum")).limit(1)


class _DeferredApiSubmitter:
    """Builds the Windows API submitter on the first write, so a Linux host can still read."""

    def __init__(
        self, settings: ProductionSettings, user: str, password: str, api_dll: str | None
    ) -> None:
        self._settings = settings
        self._user = user
        self._password = password
        self._api_dll = api_dll
        self._submitter: Submitter | None = None

    def __repr__(self) -> str:
        return f"_DeferredApiSubmitter({self._settings.describe()})"

    def submit(self, xml: str) -> str:
        if self._submitter is None:
            from pixissync.connectors.sage100c.windows_api import WindowsApiSubmitter

            self._submitter = WindowsApiSubmitter(
                self._settings.server,
                self._settings.company,
                self._user,
                self._password,
                app_name=self._settings.app_name,
                api_dll=self._api_dll,
            )
        return self._submitter.submit(xml)
