"""Apply fixtures: a migrated SQLite store and a table-backed target next to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from target_support import TableTarget

from pixissync.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'state.db'}")
    s.migrate()
    yield s
    s.close()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[TableTarget]:
    t = TableTarget(tmp_path / "erp.db")
    yield t
    t.close()
