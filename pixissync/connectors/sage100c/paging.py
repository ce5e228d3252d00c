"""Keyset paging for SQL Server and the stand-ins: ``TOP n ... WHERE key > :last ORDER BY key``.

A large company is read page by page ordered by its business key (``recnum``,
or ``recnum, linnum`` for line tables), each page starting after the last key
seen: no ``OFFSET`` (which rescans what it skips) and no cursor held open for
the whole read. SQLAlchemy spells ``.limit(n)`` as ``TOP n`` for ``mssql``.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, or_

PAGE_SIZE: Final = 5000


def after_key(keys: tuple[ColumnElement[Any], ...], last: tuple[Any, ...]) -> ColumnElement[bool]:
    """``keys > last`` spelled out (SQL Server has no row-value comparison)."""
    head, value = keys[0], last[0]
    after: ColumnElement[bool] = head > value
    if len(keys) == 1:
        return after
    return or_(after, and_(head == value, after_key(keys[1:], last[1:])))


def paged_rows(
    conn: Connection, query: Select[Any], keys: tuple[ColumnElement[Any], ...], page_size: int
) -> list[tuple[Any, ...]]:
    """All rows of ``query``, fetched in keyset pages ordered by ``keys``."""
    width = len(query.selected_columns)
    base = (
        query.add_columns(*(key.label(f"_key{n}") for n, key in enumerate(keys)))
        .order_by(None)
        .order_by(*keys)
        .limit(page_size)
    )
    out: list[tuple[Any, ...]] = []
    last: tuple[Any, ...] | None = None
    while True:
        page: list[Row[Any]] = list(
            conn.execute(base if last is None else base.where(after_key(keys, last)))
        )
        out.extend(tuple(row)[:width] for row in page)
        if len(page) < page_size:
            return out
        last = tuple(page[-1])[width:]
