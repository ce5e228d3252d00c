"""Vista stand-ins on SQLite and PostgreSQL, seeded with the tiny company.

Every statement the connector sends is also compiled for SQL Server (the real
Vista) and kept in ``mssql_sql`` so tests can check it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from vista_sql import SqlServerCompiler

from pixissync.connectors.vista.connector import VistaConnector, vista_connector
from pixissync.sandbox.tiny_company import tiny_company
from pixissync.sandbox.vista_db import create_vista_db, seed_from_canonical

# The shared contract (tests/connectors/contract.py) is imported as ``contract``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture(params=["sqlite", "postgresql"])
def vista_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty Vista stand-in on SQLite (a file) or on the test PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'vista.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = create_vista_db(url)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded(vista_engine: Engine) -> Engine:
    seed_from_canonical(vista_engine, tiny_company())
    return vista_engine


@pytest.fixture
def sql_server(seeded: Engine) -> SqlServerCompiler:
    return SqlServerCompiler(seeded)


@pytest.fixture
def vista(seeded: Engine, sql_server: SqlServerCompiler) -> Iterator[VistaConnector]:
    connector = vista_connector(
        url=str(seeded.url), engine=seeded, sandbox=True, today=lambda: date(2024, 3, 12)
    )
    yield connector
