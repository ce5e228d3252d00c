"""Apply fixtures: a migrated store (SQLite file or PostgreSQL) and a table-backed target."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from target_support import TableTarget

from pixissync.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The state store's URL: a SQLite file, or a clean schema on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(state_url: str) -> Iterator[Store]:
    s = Store(state_url)
    s.migrate()
    yield s
    s.close()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[TableTarget]:
    t = TableTarget(tmp_path / "erp.db")
    yield t
    t.close()
