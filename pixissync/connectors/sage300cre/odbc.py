"""Reading Timberline tables over ODBC, whichever way the driver names them.

The Timberline Data driver shows a table as ``ARM_MASTER__CUSTOMER`` in one
naming mode and ``MASTER_ARM_CUSTOMER`` in another; tables wider than the
driver's column limit are split into ``..._1``, ``..._2`` parts that each repeat
the key columns (reference: ``MASTER_JCM_JOB_1/_2``). :class:`TimberlineSource`
resolves a logical table (``("ARM", "MASTER", "CUSTOMER")``) to what the data
folder really has, selects only the columns we use that exist, and joins split
parts on their shared key columns. Rows are fetched in ``fetchmany`` pages:
the driver has no ``TOP``/``OFFSET``, so paging is a forward-only cursor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
import pyodbc

from pixissync.connectors.sage300cre.config import Sage300Settings
from pixissync.errors import ConfigError, PermanentError, TransientError

Logical = tuple[str, str, str]  # (module, kind, name): ("ARM", "MASTER", "CUSTOMER")


def candidate_names(table: Logical) -> list[str]:
    """Both naming styles of a table: ``ARM_MASTER__CUSTOMER`` and ``MASTER_ARM_CUSTOMER``."""
    module, kind, name = table
    return [f"{module}_{kind}__{name}", f"{kind}_{module}_{name}"]


class TimberlineSource:
    """One ODBC connection to a Sage 300 CRE data folder."""

    def __init__(self, settings: Sage300Settings) -> None:
        self.settings = settings
        self._conn: pyodbc.Connection | None = None
        self._tables: dict[str, str] | None = None  # upper name -> actual name
        self._columns: dict[str, list[str]] = {}

    def connection(self) -> pyodbc.Connection:
        if self._conn is None:
            try:
                self._conn = pyodbc.connect(self.settings.odbc_string(), autocommit=True)
            except pyodbc.Error as exc:
                raise _classify(exc, f"cannot open {self.settings.redacted()}") from exc
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def table_names(self) -> dict[str, str]:
        if self._tables is None:
            cur = self.connection().cursor()
            self._tables = {row.table_name.upper(): row.table_name for row in cur.tables()}
        return self._tables

    def resolve(self, table: Logical) -> list[str]:
        """The actual table (or its split parts, in order) holding ``table``."""
        names = self.table_names()
        for base in candidate_names(table):
            if base.upper() in names:
                return [names[base.upper()]]
            parts = [names[p] for i in range(1, 10) if (p := f"{base}_{i}".upper()) in names]
            if parts:
                return parts
        raise ConfigError(
            f"Table or view not found: {' or '.join(candidate_names(table))} through "
            f"{self.settings.redacted()} — check DBQ and the naming options "
            "(StandardMode, ShortenNames) of the connection string"
        )

    def has(self, table: Logical) -> bool:
        try:
            self.resolve(table)
        except ConfigError:
            return False
        return True

    def columns(self, actual: str) -> list[str]:
        if actual not in self._columns:
            cur = self.connection().cursor()
            self._columns[actual] = [c.column_name for c in cur.columns(table=actual)]
        return self._columns[actual]

    def read(
        self,
        table: Logical,
        wanted: Sequence[str],
        *,
        key: Sequence[str],
        where: str = "",
        params: Sequence[Any] = (),
        schema: Mapping[str, pl.DataType] | None = None,
    ) -> pl.DataFrame:
        """Read ``wanted`` columns (those that exist) of a logical table into one frame.

        Args:
            key: columns that identify a row; split parts are joined on them.
            where: an ODBC SQL condition on columns of the first part, with ``?`` params.
            schema: column types; columns missing from the table come back as nulls.
        """
        parts = self.resolve(table)
        frames: list[pl.DataFrame] = []
        for n, actual in enumerate(parts):
            have = {c.upper(): c for c in self.columns(actual)}
            cols = [have[c.upper()] for c in wanted if c.upper() in have]
            if n > 0:
                cols = [c for c in cols if c not in frames[0].columns or c in key]
                if len(cols) <= len(key):
                    continue
            frames.append(
                self._select(actual, cols, where if n == 0 else "", params if n == 0 else ())
            )
        frame = frames[0]
        for extra in frames[1:]:
            frame = frame.join(extra, on=list(key), how="left", coalesce=True)
        types = schema or {}
        out = [
            _typed(frame[c], types.get(c))
            if c in frame.columns
            else pl.lit(None, dtype=types.get(c, pl.String())).alias(c)
            for c in wanted
        ]
        return frame.select(out) if frame.width else pl.DataFrame(schema=types)

    def _select(
        self, actual: str, cols: list[str], where: str, params: Sequence[Any]
    ) -> pl.DataFrame:
        quoted = ", ".join('"' + c + '"' for c in cols)
        sql = f'SELECT {quoted} FROM "{actual}"'
        if where:
            sql += f" WHERE {where}"
        try:
            cur = self.connection().cursor()
            cur.execute(sql, *params)
            rows: list[tuple[Any, ...]] = []
            while batch := cur.fetchmany(self.settings.fetch_size):
                rows.extend(tuple(r) for r in batch)
        except pyodbc.Error as exc:
            raise _classify(exc, f"reading {actual}") from exc
        data = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
        return (
            pl.DataFrame(data, strict=False)
            if rows
            else pl.DataFrame({c: pl.Series(c, [], dtype=pl.String) for c in cols})
        )


def _typed(series: pl.Series, dtype: pl.DataType | None) -> pl.Series:
    """Cast what the driver gave (str, float, Decimal, date) to the wanted type, exactly."""
    if dtype is None:
        return series
    if isinstance(dtype, pl.Decimal):
        if series.dtype.is_float():
            return series.round(dtype.scale or 0).cast(pl.String).cast(dtype)
        return series.cast(pl.String).str.strip_chars().cast(dtype, strict=False)
    if dtype == pl.Date and series.dtype == pl.String:
        return series.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.String:
        return series.cast(pl.String).str.strip_chars()
    return series.cast(dtype, strict=False)


def _classify(exc: pyodbc.Error, doing: str) -> Exception:
    """Dropped connections and busy files can be retried; missing tables and logins cannot."""
    message = str(exc.args[-1] if exc.args else exc)
    state = str(exc.args[0]) if exc.args else ""
    if state in ("IM002", "IM003", "28000"):
        # Driver not installed / not loadable, or login refused: a site setting, not a blip.
        return PermanentError(f"Sage 300 CRE: {doing}", system_message=message)
    if isinstance(exc, pyodbc.OperationalError | pyodbc.InterfaceError) or any(
        w in message.lower() for w in ("locked", "busy", "timeout", "communication link")
    ):
        return TransientError(f"Sage 300 CRE: {doing}", system_message=message)
    return PermanentError(f"Sage 300 CRE: {doing}", system_message=message)
