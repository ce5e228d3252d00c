"""Overview, History, Users, Rules and Connections pages show what a user checks."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from console_support import signed_in, texts

from pixissync.console import tryout
from pixissync.flows import DEFAULT_FLOWS
from pixissync.matching import load_rules, rules_path
from pixissync.store import Store, User


def test_overview_counts_and_what_needs_attention(home: Path) -> None:
    at = signed_in("vic", "overview")
    assert not at.exception
    said = texts(at)
    assert "Pending review=8" in said  # 6 creates, 1 update, 1 link
    assert "Blocked=1" in said  # the exception
    assert "customers: 1 exception(s) need fixing in the target system." in said
    assert "customers: 8 proposal(s) wait for review." in said
    flows = at.dataframe[0].value
    row = flows[flows["flow"] == "customers"].iloc[0]
    assert (row["pending_review"], row["blocked"], row["last_run_status"]) == (8, 1, "ok")


def test_history_shows_who_did_what_and_filters_by_person(home: Path, store: Store) -> None:
    page, _ = store.proposals(1, action="update")
    store.approve([page[0].id], user=User("rev", "reviewer"))
    at = signed_in("vic", "history")
    assert not at.exception
    runs = at.dataframe[0].value
    assert list(runs["flow"]) == ["customers"]
    at.selectbox(key="history_actor").select("rev").run()
    audit = at.dataframe[1].value
    assert len(audit) == 1
    assert audit.iloc[0]["actor"] == "rev"
    assert audit.iloc[0]["action"].startswith("approve")
    assert "status=pending" in audit.iloc[0]["before"]
    assert "status=approved" in audit.iloc[0]["after"]


def test_admin_adds_a_user_and_reviewer_cannot(home: Path, store: Store) -> None:
    at = signed_in("ann", "users")
    at.text_input(key="users_name").input("dee")
    at.selectbox(key="users_role").select("reviewer")
    at.text_input(key="users_password").input("dee-password-1")
    at.button(key="users_add_submit").click().run()
    assert not at.exception
    assert "Added dee as reviewer." in texts(at)
    assert store.authenticate("dee", "dee-password-1") == User("dee", "reviewer")

    at = signed_in("rev", "users")
    assert "Only an admin can add users" in texts(at)
    assert not [b for b in at.button if b.key == "users_add_submit"]


def test_rules_page_and_threshold_try_out(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXISSYNC_HOME", str(demo_home))
    at = signed_in("admin", "rules")
    assert not at.exception
    rules = load_rules(rules_path("customers"))
    said = texts(at)
    assert f"Auto-link at={rules.auto:.2f}" in said
    levels = at.dataframe[0].value
    names = levels[levels["label"] == "name: same after normalising"]["comparison"]
    assert list(names) == ["name"]
    at.button(key="rules_tryout").click().run()
    assert not at.exception
    store = Store(f"sqlite:///{demo_home / 'state.db'}")
    batch = store.batches(flow="customers")[0]
    pairs = tryout.tryout(store, DEFAULT_FLOWS["customers"], rules, str(batch.snapshot))
    assert pairs is not None
    expected = tryout.split(pairs, rules.auto, rules.review)
    said = texts(at)
    assert f"Auto-linked={expected['auto']:,}" in said
    assert f"Sent to review={expected['review']:,}" in said
    # Raising the auto threshold moves pairs from auto to review, never loses them.
    at.slider(key="rules_auto").set_value(1.0).run()
    moved = tryout.split(pairs, 1.0, rules.review)
    assert moved["auto"] + moved["review"] == expected["auto"] + expected["review"]
    assert f"Sent to review={moved['review']:,}" in texts(at)
    store.close()


def test_connections_health_check_and_last_pull(
    demo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIXISSYNC_HOME", str(demo_home))
    at = signed_in("admin", "connections")
    assert not at.exception
    profiles = at.dataframe[0].value
    assert dict(zip(profiles["connection"], profiles["system"], strict=True)) == {
        "field": "files",
        "erp": "sage100c",
    }
    pulled = at.dataframe[1].value
    customers = pulled[pulled["entity"] == "customer"]
    assert set(customers["connection"]) == {"field", "erp"}
    assert (customers["rows"] > 0).all()
    at.button(key="connections_check_erp").click().run()
    assert not at.exception
    assert any(str(s.value).startswith("erp · ") for s in at.success)


def test_try_out_matches_children_under_their_parents_like_the_sync(demo_home: Path) -> None:
    store = Store(f"sqlite:///{demo_home / 'state.db'}")
    flow = DEFAULT_FLOWS["jobs"]
    batch = store.batches(flow="jobs")[0]
    rules = load_rules(rules_path(flow.rules))
    pairs = tryout.tryout(store, flow, rules, str(batch.snapshot), DEFAULT_FLOWS)
    assert pairs is not None
    proposed, n_links = store.proposals(batch.id, action="link", limit=None)
    assert n_links > 0

    def reasons(frame: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
        rows = frame.select("left_id", "right_id", "explanation").iter_rows()
        return {(left, right): list(why) for left, right, why in rows}

    # The try-out explains each pair exactly as the sync did when it proposed it.
    tried = reasons(pairs)
    for p in proposed:
        assert tried[(p.source_id, p.target_id)] == p.explanation
    # Without the customer links, a job's customer cannot be compared the same way.
    without_parents = tryout.tryout(store, flow, rules, str(batch.snapshot), {})
    assert without_parents is not None
    blind = reasons(without_parents)
    assert any(blind.get((p.source_id, p.target_id)) != p.explanation for p in proposed)
    store.close()
