"""The Review page: what a reviewer sees and does with a batch."""

from __future__ import annotations

from typing import Any

from console_support import signed_in, texts
from streamlit.testing.v1 import AppTest

from pixissync.store import Store, User


def _table(at: AppTest) -> tuple[str, list[int]]:
    frame = next(d for d in at.dataframe if str(d.key).startswith("review_table_"))
    return str(frame.key), [int(i) for i in frame.value["id"]]


def _select(at: AppTest, rows: list[int]) -> AppTest:
    key, _ = _table(at)
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def _status(store: Store, batch: int) -> dict[str, str]:
    page, _ = store.proposals(batch, limit=None)
    return {p.source_id: p.status for p in page}


def test_batch_counts_and_table_render(home: object) -> None:
    at = signed_in("rev", "review")
    assert not at.exception
    said = texts(at)
    assert "Proposals=9" in said
    assert "Pending=9" in said
    assert "Exceptions=1" in said
    _, ids = _table(at)
    assert len(ids) == 9
    assert "9 proposal(s) match" in said


def test_filter_by_action_and_text_is_done_by_the_store(home: object) -> None:
    at = signed_in("rev", "review")
    at.multiselect(key="review_action").select("link").run()
    _, ids = _table(at)
    assert len(ids) == 1
    assert "1 proposal(s) match" in texts(at)
    at.multiselect(key="review_action").unselect("link").run()
    at.text_input(key="review_text").input("Customer 003").run()
    frame = next(d for d in at.dataframe if str(d.key).startswith("review_table_"))
    assert list(frame.value["source_id"]) == ["C003"]


def test_link_detail_shows_both_records_diff_and_explanation(home: object) -> None:
    at = signed_in("rev", "review")
    at.multiselect(key="review_action").select("link").run()
    said = texts(at)
    assert "Why this pairing:" in said
    assert "`name: fuzzy ≥ 0.85`" in said and "`postal code exact`" in said
    assert "Score=0.83" in said
    diff = next(d.value for d in at.dataframe if "after_apply" in d.value.columns)
    row = diff[diff["field"] == "name"].iloc[0]
    assert row["target"] == "Bobs Sprinklers"
    assert row["source"] == "Bob's Sprinkler Co"
    assert bool(row["changed"]) is True


def test_approve_selected_rows_after_confirmation(home: object, store: Store) -> None:
    at = signed_in("rev", "review")
    at.multiselect(key="review_action").select("create").run()
    _select(at, [0, 1])
    assert "2 selected" in texts(at)
    at.button(key="review_approve_selected").click().run()
    assert "Approve 2 selected proposal(s)?" in texts(at)
    assert _status(store, 1)["C000"] == "pending"  # nothing happens before Confirm
    at.button(key="review_confirm_yes").click().run()
    assert not at.exception
    assert "Approved 2 proposal(s)." in texts(at)
    status = _status(store, 1)
    assert [status[f"C00{i}"] for i in range(4)] == ["approved", "approved", "pending", "pending"]
    entries, _ = store.audit_log(actor="rev")
    assert any(e.action.startswith("approve") for e in entries)


def test_bulk_approve_of_the_filter_shows_count_and_skips_exceptions(
    home: object, store: Store
) -> None:
    at = signed_in("rev", "review")
    at.button(key="review_approve_all").click().run()
    assert "9 proposal(s)?" in texts(at)
    at.button(key="review_confirm_yes").click().run()
    assert "Approved 8 proposal(s)" in texts(at)
    status = _status(store, 1)
    assert status["X001"] == "pending"  # an exception is never approved
    assert sum(s == "approved" for s in status.values()) == 8


def test_viewer_cannot_approve_the_store_refuses(home: object, store: Store) -> None:
    at = signed_in("vic", "review")
    _select(at, [0])
    at.button(key="review_approve_selected").click().run()
    at.button(key="review_confirm_yes").click().run()
    assert any("Not allowed" in str(e.value) and "viewer" in str(e.value) for e in at.error)
    assert set(_status(store, 1).values()) == {"pending"}


def test_second_reviewer_gets_a_clear_message_not_a_double_write(
    home: object, store: Store
) -> None:
    at = signed_in("rev", "review")
    at.multiselect(key="review_action").select("update").run()
    page, _ = store.proposals(1, action="update")
    # Someone else rejects it while this reviewer looks at the same version.
    store.reject([page[0].id], user=User("ann", "admin"), reason="checked by phone")
    at.button(key="review_one_approve").click().run()
    warning = " ".join(str(w.value) for w in at.warning)
    assert "Someone else got there first" in warning
    assert "is now **rejected**" in warning
    assert store.proposal(page[0].id).status == "rejected"


def test_edit_a_value_then_approve(home: object, store: Store) -> None:
    at = signed_in("rev", "review")
    at.multiselect(key="review_action").select("update").run()
    at.selectbox(key="review_edit_field").select("phone").run()
    at.text_input(key="review_edit_value").input("512-555-0142").run()
    at.button(key="review_edit_approve").click().run()
    assert not at.exception
    page, _ = store.proposals(1, action="update")
    assert page[0].status == "approved"
    assert page[0].values["phone"] == "512-555-0142"
    assert page[0].diff["phone"] == {"old": "512-555-0100", "new": "512-555-0142"}


def test_rejecting_a_pairing_remembers_not_a_match(home: object, store: Store) -> None:
    at = signed_in("rev", "review")
    at.multiselect(key="review_action").select("link").run()
    at.button(key="review_one_reject").click().run()
    assert "remembered as not a match" in texts(at)
    decisions = store.decisions("customer", "field", "erp")
    assert decisions.height == 1
    assert decisions.row(0, named=True)["decision"] == "not_match"


def test_only_an_admin_sees_apply(home: object) -> None:
    at = signed_in("rev", "review")
    assert "Only an admin can apply" in texts(at)
    assert not [b for b in at.button if b.key == "review_apply"]
    at = signed_in("ann", "review")
    assert [b for b in at.button if b.key == "review_apply"]


def test_paging_is_server_side_and_a_narrower_filter_lands_on_its_last_page(
    home: object, store: Store
) -> None:
    from console_support import customer_batch

    big = store.save_batch(None, "customers", customer_batch(120))  # 123 proposals
    at = signed_in("rev", "review")
    assert at.selectbox(key="review_batch").value == big
    _, ids = _table(at)
    assert len(ids) == 50
    assert "123 proposal(s) match · 3 page(s)" in texts(at)
    pager: Any = at.get("pagination")[0]
    pager.select(3).run()
    _, ids = _table(at)
    page, _ = store.proposals(big, offset=100, limit=50)
    assert ids == [p.id for p in page]
    at.multiselect(key="review_action").select("update").run()
    _, ids = _table(at)
    assert len(ids) == 1
    assert "1 proposal(s) match · 1 page(s)" in texts(at)


def test_another_reviewers_decision_shows_on_the_next_rerun(home: object, store: Store) -> None:
    at = signed_in("rev", "review")
    page, _ = store.proposals(1, action="create", limit=1)
    store.approve([page[0].id], user=User("ann", "admin"))
    at.run()
    frame = next(d for d in at.dataframe if str(d.key).startswith("review_table_")).value
    assert frame[frame["id"] == page[0].id]["status"].iloc[0] == "approved"
    assert "Approved=1" in texts(at)
