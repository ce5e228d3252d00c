"""Every statement the Sage 100 Contractor reader and writer issue compiles for SQL Server.

The connector runs on the SQLite stand-in; each Core statement it executes is
captured and compiled with SQLAlchemy's ``mssql`` dialect, as a company
database would receive it. The stand-in's own statements (the sandbox
submitter playing the Sage API) run on a second engine and are not captured:
on a real site they are Sage's, not ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ClauseElement, Engine, event
from sqlalchemy.dialects import mssql, sqlite

from pixissync.connectors.base import Change
from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.errors import ConfigError
from pixissync.model import ENTITIES
from pixissync.sandbox.sage100c_api import SandboxSubmitter
from pixissync.sandbox.sage100c_db import sandbox_engine

READ_TABLES = ("reccln", "actrec", "acrinv", "arivln", "acrpmt", "dlypyr", "employ", "cstcde")


@dataclass
class Captured:
    """The Core statements executed on an engine."""

    clauses: list[ClauseElement] = field(default_factory=list)

    def listen(self, engine: Engine) -> None:
        event.listen(engine, "before_execute", self._before)

    def _before(self, _conn: Any, clause: Any, *_args: Any) -> None:
        if isinstance(clause, ClauseElement):
            self.clauses.append(clause)

    def mssql(self) -> list[str]:
        dialect = mssql.dialect()  # type: ignore[no-untyped-call]
        return [str(c.compile(dialect=dialect)) for c in self.clauses]


@pytest.fixture
def captured(sage_file: Path) -> Iterator[tuple[Sage100cConnector, Captured]]:
    stand_in = sandbox_engine(sage_file)
    connector = Sage100cConnector(
        str(sage_file), submitter=SandboxSubmitter(stand_in), read_back=True, page_size=5
    )
    seen = Captured()
    seen.listen(connector.engine)
    yield connector, seen
    connector.close()
    stand_in.dispose()


def _writes() -> list[Change]:
    line = {
        "line_no": 1,
        "description": "Service call",
        "amount": Decimal("250.00"),
        "cost_code": "23.800",
        "gl_account": "4000.10",
    }
    return [
        Change("customer", "create", "pxs:t:customer:1", "k1", {"name": "Statement Co"}),
        Change(
            "job",
            "create",
            "pxs:t:job:1",
            "k2",
            {"job_number": "99001", "name": "J"},
            parents={"customer_id": "1"},
        ),
        Change(
            "invoice",
            "create",
            "pxs:t:invoice:1",
            "k3",
            {"invoice_number": "ST-1", "invoice_date": date(2026, 10, 30), "lines": [line]},
            parents={"job_id": "21001"},
        ),
        Change(
            "time_entry",
            "create",
            "pxs:t:time:1",
            "k4",
            {
                "employee_id": "101",
                "work_date": date(2026, 10, 30),
                "regular_hours": Decimal("8"),
                "overtime_hours": Decimal("1.5"),
            },
            parents={"job_id": "21001"},
        ),
        Change("customer", "update", "pxs:t:customer:3", "k5", {"city": "Matthews"}, target_id="3"),
    ]


def test_every_statement_compiles_for_sql_server_without_limit_or_offset(
    captured: tuple[Sage100cConnector, Captured],
) -> None:
    connector, seen = captured
    since = datetime(2026, 1, 1, tzinfo=UTC)
    for entity in ENTITIES:
        connector.pull(entity)
        connector.pull(entity, since=since)
    for change in _writes():
        connector.push(change)
    connector.push(_writes()[0])  # found by reference, not sent again
    connector.check()
    time_id = connector.find("time_entry", "pxs:t:time:1")
    assert time_id is not None
    connector.push(
        Change(
            "time_entry",
            "update",
            "pxs:t:time:1",
            "k6",
            {"overtime_hours": Decimal("2")},
            target_id=time_id,
        )
    )

    compiled = seen.mssql()
    assert len(compiled) > 50
    for sql in compiled:
        assert not re.search(r"\bLIMIT\b|\bOFFSET\b", sql), sql
    # Every table is read in keyset pages: TOP n ... ORDER BY, and "after the last key".
    for table in READ_TABLES:
        pages = [q for q in compiled if re.search(rf"FROM {table}\b", q) and " AS _key0" in q]
        assert pages, f"no paged read of {table}"
        assert all(q.startswith("SELECT TOP ") and "ORDER BY" in q for q in pages), table
        assert any(f"{table}.recnum >" in q for q in pages), f"{table}: no second page"
    line_pages = [q for q in compiled if "FROM dlypyr" in q and " AS _key0" in q]
    assert any("dlypyr.recnum = " in q and "dlypyr.linnum >" in q for q in line_pages)
    assert any("reccln.upddte >" in q for q in compiled), "incremental reads filter on upddte"
    assert any("reccln.usrdf1 =" in q for q in compiled), "creates look the reference up first"


def test_the_same_statements_would_carry_limit_on_sqlite(
    captured: tuple[Sage100cConnector, Captured],
) -> None:
    """The check above can fail: SQLite spells the same pages with LIMIT."""
    connector, seen = captured
    connector.pull("customer")
    on_sqlite = [str(c.compile(dialect=sqlite.dialect())) for c in seen.clauses]
    assert on_sqlite and all(" LIMIT " in sql for sql in on_sqlite)


@pytest.mark.parametrize("page_size", [1, 7, 5000])
def test_keyset_pages_read_exactly_the_rows_of_one_read(sage_file: Path, page_size: int) -> None:
    whole = Sage100cConnector(str(sage_file), page_size=100_000)
    paged = Sage100cConnector(str(sage_file), page_size=page_size)
    for entity in ("customer", "invoice_line", "payment_application", "time_entry"):
        key = ENTITIES[entity].key
        expected = whole.pull(entity).sort(key)
        got = paged.pull(entity).sort(key)
        assert got.height == expected.height > 0, entity
        assert got.equals(expected), entity
    whole.close()
    paged.close()


def test_incremental_read_only_returns_rows_changed_after_since(sandbox: Sage100cConnector) -> None:
    latest = sandbox.pull("customer")["updated_at"].max()
    assert isinstance(latest, datetime)
    assert sandbox.pull("customer", since=latest).height == 0
    sandbox.push(Change("customer", "update", "pxs:t:c:4", "k", {"city": "Cary"}, target_id="4"))
    recent = sandbox.pull("customer", since=latest)
    assert recent["customer_id"].to_list() == ["4"]
    assert recent["city"].to_list() == ["Cary"]


def test_server_local_change_times_are_read_as_utc(sage_file: Path) -> None:
    utc = Sage100cConnector(str(sage_file))
    chicago = Sage100cConnector(str(sage_file), server_timezone="America/Chicago")
    as_utc = utc.pull("customer").sort("customer_id")["updated_at"]
    as_local = chicago.pull("customer").sort("customer_id")["updated_at"]
    shift = {
        (local - naive).total_seconds() / 3600
        for local, naive in zip(as_local.to_list(), as_utc.to_list(), strict=True)
    }
    assert shift <= {5.0, 6.0} and shift  # CDT / CST behind UTC
    # "changed after" is compared in the server's clock: the newest row is after
    # a moment one second before it (in UTC), and nothing is after the newest.
    newest = as_local.max()
    assert isinstance(newest, datetime)
    assert chicago.pull("customer", since=newest).height == 0
    assert chicago.pull("customer", since=newest - timedelta(seconds=1)).height >= 1
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        Sage100cConnector(str(sage_file), server_timezone="Mars/Olympus")
    utc.close()
    chicago.close()
