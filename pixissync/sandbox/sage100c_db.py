"""A database with the Sage 100 Contractor table layout, loaded from the sample CSVs.

``build_sage100c_db("sandbox.db", "data/samples")`` makes a SQLite file (the
embedded default); a SQLAlchemy URL such as ``postgresql+psycopg://...`` builds
the same tables on PostgreSQL. Table definitions live in
:mod:`pixissync.connectors.sage100c.schema` (column names, widths, the
``usrdf1`` reference field and the ``lckprd`` period locks are documented there).
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, insert
from sqlalchemy.types import Date, DateTime, Integer, String

from pixissync.connectors.sage100c.schema import TABLES, Exact, metadata
from pixissync.errors import InputError


def sandbox_engine(url_or_path: str | Path) -> Engine:
    """An engine for a sandbox URL, or for a SQLite file when given a path.

    SQLite connections get WAL journaling and a busy timeout so a reader and the
    apply process can share the file.
    """
    text = str(url_or_path)
    url = text if "://" in text else f"sqlite:///{Path(text)}"
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def _converter(table: Table, column: str) -> Any:
    kind = table.c[column].type
    if isinstance(kind, Exact):
        return Decimal
    if isinstance(kind, Integer):
        return int
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, String):
        return str
    raise TypeError(f"no CSV converter for {table.name}.{column} ({kind})")


def read_table_csv(table: Table, path: Path) -> list[dict[str, Any]]:
    """Read one table's CSV into typed rows; empty cells are NULL.

    Raises:
        InputError: naming file, row and column when a cell cannot be read.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in table.c]
        if unknown:
            raise InputError(
                f"unknown column for table {table.name}", file=str(path), column=unknown[0]
            )
        convert = {c: _converter(table, c) for c in header}
        rows: list[dict[str, Any]] = []
        for number, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {}
            for column, value in raw.items():
                try:
                    row[column] = convert[column](value) if value != "" else None
                except (ValueError, InvalidOperation):
                    raise InputError(
                        f"cannot read {value!r} as {table.c[column].type}",
                        file=str(path),
                        row=number,
                        column=column,
                    ) from None
            rows.append(row)
    return rows


def build_sage100c_db(url_or_path: str | Path, samples_dir: str | Path) -> Engine:
    """Create the Sage 100 Contractor tables and load ``<samples_dir>/sage100c/*.csv``.

    Args:
        url_or_path: a SQLAlchemy URL, or a path for a SQLite file. Existing
            sandbox tables are dropped first, so a rebuild starts clean.
        samples_dir: the folder holding ``sage100c/<table>.csv`` (e.g. ``data/samples``),
            or that ``sage100c`` folder itself.

    Returns:
        The engine, ready for :class:`~pixissync.connectors.sage100c.Sage100cConnector`.

    Raises:
        InputError: when the folder or a file is missing or a cell is malformed.
    """
    folder = Path(samples_dir)
    if not (folder / "reccln.csv").exists():  # accept the table folder itself, too
        folder = folder / "sage100c"
    if not folder.is_dir():
        raise InputError("no sage100c/ folder of table CSVs here", file=str(folder))
    engine = sandbox_engine(url_or_path)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for name, table in TABLES.items():
            path = folder / f"{name}.csv"
            if not path.exists():
                raise InputError(f"missing the {name} table", file=str(path))
            rows = read_table_csv(table, path)
            if rows:
                conn.execute(insert(table), rows)
    if engine.dialect.name == "postgresql":
        # Rows were loaded with their own _idnum; move each sequence past them.
        with engine.begin() as conn:
            for name in TABLES:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', '_idnum'), "
                    f"COALESCE((SELECT MAX(_idnum) FROM {name}), 0) + 1, false)"
                )
                conn.exec_driver_sql(f"ANALYZE {name}")  # plans that use the indexes
    return engine
