"""The Reconciliation and Duplicates pages, driven with AppTest on the demo home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pixissync.home import Home
from pixissync.reconcile.history import saved_reconciliations
from pixissync.store import User

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "tests" / "console" / "app_entry.py")


@pytest.fixture
def env(demo: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    monkeypatch.setenv("PIXISSYNC_HOME", str(demo.path))
    monkeypatch.delenv("PIXISSYNC_DB_URL", raising=False)
    yield demo


def _page(user: User, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user"] = user
    at.run()
    at.switch_page(str(REPO / "pages" / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table showing ``column`` (AppTest does not expose a table's key)."""
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with column {column!r}")


def _said(at: AppTest) -> str:
    parts = [str(e.value) for g in (at.markdown, at.caption, at.error, at.success) for e in g]
    return "\n".join(parts + [f"{m.label}={m.value}" for m in at.metric])


def test_reconcile_a_month_drill_down_save_and_sign_off(env: Home) -> None:
    at = _page(User("rev", "reviewer"), "reconciliation")
    at.text_input(key="recon_period").input("2026-10")
    at.button(key="recon_run").click().run()
    assert not at.exception, at.exception
    summary = _table(at, "unexplained")
    assert list(summary["measure"]) == [
        "Invoiced",
        "Payments received",
        "AR open at period end",
        "Field hours",
    ]
    assert "Invoiced=325,715.26" in _said(at)
    at.selectbox(key="recon_kind").select("payment_only_in_erp").run()
    shown = _table(at, "explains")
    assert len(shown) == 60  # each under Payments received and AR at period end
    label = at.selectbox(key="recon_drill").options[1]
    at.selectbox(key="recon_drill").select(label).run()
    said = _said(at)
    assert "No record on this side." in said  # the field system lacks it
    assert "**ERP** — payment" in said
    at.text_input(key="recon_note").input("October draft")
    at.button(key="recon_save").click().run()
    assert "Saved reconciliation" in _said(at)
    saved = saved_reconciliations(env.store, "2026-10")
    assert saved[0].note == "October draft" and not saved[0].signed_off
    # A reviewer may save but not sign off: the store refuses, the page says why.
    at.text_input(key="recon_signoff_note").input("tied out")
    at.button(key="recon_signoff").click().run()
    assert "needs the admin role" in _said(at)

    admin = _page(User("admin", "admin"), "reconciliation")
    admin.selectbox(key="recon_signoff_id").select(saved[0].id)
    admin.text_input(key="recon_signoff_note").input("tied out")
    admin.button(key="recon_signoff").click().run()
    assert "signed off by admin" in _said(admin)
    assert saved_reconciliations(env.store, "2026-10")[0].signed_off_by == "admin"


def test_duplicates_page_confirms_with_a_survivor_and_forgets_dismissed(env: Home) -> None:
    at = _page(User("rev", "reviewer"), "duplicates")
    groups = _table(at, "suggested_survivor")
    assert len(groups) == 10
    at.selectbox(key="dup_group").select("293").run()
    assert "name: same after removing legal suffix and punctuation" in _said(at)
    at.radio(key="dup_survivor_293").set_value("501").run()
    at.button(key="dup_confirm").click().run()
    assert "Group confirmed: 501 survives" in _said(at)
    at.selectbox(key="dup_group").select("298").run()
    at.button(key="dup_dismiss").click().run()
    assert "dismissed" in _said(at)
    groups = _table(at, "suggested_survivor")
    assert len(groups) == 9 and "298" not in list(groups["group_id"])
    confirmed = groups[groups["group_id"] == "293"].iloc[0]
    assert (confirmed["status"], confirmed["survivor_id"]) == ("confirmed", "501")

    viewer = _page(User("vic", "viewer"), "duplicates")
    viewer.selectbox(key="dup_group").select("100").run()
    viewer.button(key="dup_dismiss").click().run()
    assert "needs the reviewer role" in _said(viewer)
