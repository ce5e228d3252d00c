"""Apply from the console: an admin writes the approved proposals and sees each result."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from console_support import signed_in, texts

from pixissync.store import Store, User


@pytest.fixture
def fresh_demo(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo home (this test writes to its ERP)."""
    folder = tmp_path / "home"
    shutil.copytree(demo_home, folder, ignore=shutil.ignore_patterns("*.log"))
    monkeypatch.setenv("PIXISSYNC_HOME", str(folder))
    monkeypatch.delenv("PIXISSYNC_DB_URL", raising=False)
    return folder


def test_admin_applies_approved_creates_and_overview_counts_them(fresh_demo: Path) -> None:
    store = Store(f"sqlite:///{fresh_demo / 'state.db'}")
    batch = store.batches(flow="customers")[0]
    creates, _ = store.proposals(batch.id, action="create", limit=2)
    store.approve([p.id for p in creates], user=User("admin", "admin"))

    at = signed_in("admin", "review")
    at.selectbox(key="review_batch").set_value(batch.id).run()
    at.button(key="review_apply").click().run()
    assert "Write 2 approved proposal(s)" in texts(at)
    at.button(key="review_apply_yes").click().run()
    assert not at.exception
    assert any("Apply finished" in str(s.value) and "2 applied" in str(s.value) for s in at.success)
    results = next(d.value for d in at.dataframe if "proposal_id" in d.value.columns)
    assert sorted(results["proposal_id"]) == [p.id for p in creates]
    assert set(results["status"]) == {"applied"}

    with sqlite3.connect(fresh_demo / "erp" / "sage100c.db") as db:
        refs = {r[0] for r in db.execute("SELECT usrdf1 FROM reccln WHERE usrdf1 LIKE 'pxs:%'")}
    assert refs == {p.reference for p in creates}

    at = signed_in("admin", "overview")
    flows = at.dataframe[0].value
    row = flows[flows["flow"] == "customers"].iloc[0]
    assert (row["synced"], row["linked"]) == (2, 2)
    store.close()
