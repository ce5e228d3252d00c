"""A small Sage 100 Contractor stand-in (SQLite), built once and copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.sandbox.sage100c_db import build_sage100c_db
from pixissync.sandbox.sample_company import generate, write


@pytest.fixture(scope="session")
def sage_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sample company (28 clients, 250 invoices, 1,101 payroll lines) as SQLite."""
    folder = tmp_path_factory.mktemp("sage100c-small")
    write(generate(seed=7, scale=0.05), folder)
    path = folder / "template.db"
    build_sage100c_db(path, folder).dispose()
    return path


@pytest.fixture
def sage_file(sage_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small company for one test."""
    path = tmp_path / "sage.db"
    shutil.copy(sage_template, path)
    return path


@pytest.fixture
def sandbox(sage_file: Path) -> Iterator[Sage100cConnector]:
    connector = Sage100cConnector(str(sage_file))
    yield connector
    connector.close()
