"""Fixtures: a home folder with a small state store, one customers batch, three users."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_support import PASSWORDS, ROLES, customer_batch

from pixissync.store import Store


@pytest.fixture(scope="session")
def home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder with ``state.db``: three users and one customers batch (built once)."""
    folder = tmp_path_factory.mktemp("console") / "home"
    store = Store(f"sqlite:///{folder / 'state.db'}")
    store.migrate()
    for name, password in PASSWORDS.items():
        store.add_user(name, ROLES[name], password)
    run = store.start_run("customers", "test")
    store.save_batch(run, "customers", customer_batch())
    store.finish_run(run, "ok", {"proposals": 9})
    store.close()
    return folder


@pytest.fixture
def home(home_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh copy of the template home, with the environment pointing at it.

    Copying the file keeps each test independent without paying for migrations
    and argon2 hashing every time.
    """
    folder = tmp_path / "home"
    shutil.copytree(home_template, folder)
    monkeypatch.setenv("PIXISSYNC_HOME", str(folder))
    monkeypatch.delenv("PIXISSYNC_DB_URL", raising=False)
    yield folder


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    """The home's store, opened separately from the app (as a second user would)."""
    s = Store(f"sqlite:///{home / 'state.db'}")
    yield s
    s.close()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo home (sample company, sandbox ERP) with customers and jobs batches."""
    from pixissync.demo import build_demo_home
    from pixissync.sync import sync

    folder = tmp_path_factory.mktemp("demo") / "home"
    home = build_demo_home(folder, review_all=True)
    sync(home, ["customers", "jobs"], trigger="test")
    home.close()
    return folder
