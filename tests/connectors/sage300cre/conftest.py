"""Sage 300 CRE stand-ins: SQLite files with Timberline names, read over the SQLite3 ODBC driver."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pixissync.connectors.sage300cre.connector import Sage300Connector, sage300_connector
from pixissync.sandbox.sage300_db import Style, seed_from_canonical
from pixissync.sandbox.tiny_company import tiny_company

# The shared contract (tests/connectors/contract.py) is imported as ``contract``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture(params=["module", "kind"])
def style(request: pytest.FixtureRequest) -> Style:
    """``ARM_MASTER__CUSTOMER`` names, or ``MASTER_ARM_CUSTOMER`` with a split job table."""
    value: Style = request.param
    return value


@pytest.fixture
def company(tmp_path: Path, style: Style) -> Path:
    path = tmp_path / "company.sqlite"
    seed_from_canonical(path, tiny_company(), style=style)
    return path


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return tmp_path / "drop"


@pytest.fixture
def sage(company: Path, drop: Path) -> Iterator[Sage300Connector]:
    connector = sage300_connector(sandbox=str(company), drop_folder=str(drop))
    yield connector
    connector.close()


@pytest.fixture
def pg_company(pg_url: str, style: Style) -> str:
    """The stand-in built in PostgreSQL, as an ODBC connection string (psqlODBC driver)."""
    url = make_url(pg_url)
    odbc = (
        f"DRIVER={{PostgreSQL Unicode}};SERVER={url.host};PORT={url.port or 5432};"
        f"DATABASE={url.database};UID={url.username};"
    )
    seed_from_canonical(odbc, tiny_company(), style=style)
    return odbc
