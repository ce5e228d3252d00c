"""Review: approve, reject, edit — roles, optimistic locking, decisions and audit."""

from __future__ import annotations

import pytest
from store_support import ADMIN, ALICE, BOB, VIEWER, make_proposal

from pixissync.errors import InputError
from pixissync.store import PermissionDenied, StaleProposal, Store, StoredProposal


def _batch(store: Store, n: int = 6) -> tuple[int, list[StoredProposal]]:
    batch_id = store.save_batch(None, "customers", [make_proposal(i) for i in range(n)])
    page, _ = store.proposals(batch_id)
    return batch_id, page


def test_second_reviewer_gets_stale_proposal_with_current_state(store: Store) -> None:
    _, page = _batch(store)
    seen = page[1]  # both reviewers loaded version 1
    assert store.approve([seen.id], user=ALICE, expected_versions={seen.id: seen.version}) == 1
    with pytest.raises(StaleProposal) as caught:
        store.reject([seen.id], user=BOB, expected_versions={seen.id: seen.version})
    assert "changed by alice" in str(caught.value) and "approved" in str(caught.value)
    assert caught.value.current.status == "approved"
    assert caught.value.current.version == seen.version + 1
    assert store.proposal(seen.id).status == "approved"  # bob's reject changed nothing


def test_stale_edit_is_refused_and_nothing_changes(store: Store) -> None:
    _, page = _batch(store)
    p = page[1]
    edited = store.edit(p.id, "name", "Acme Mechanical", user=ALICE, expected_version=p.version)
    with pytest.raises(StaleProposal, match="changed by alice"):
        store.edit(p.id, "name", "Other", user=BOB, expected_version=p.version)
    assert store.proposal(p.id).values["name"] == "Acme Mechanical"
    assert edited.version == p.version + 1


def test_edit_changes_value_and_diff_and_is_audited(store: Store) -> None:
    _, page = _batch(store, 11)
    p = page[10]  # an update with a pre-flight finding on ``name``
    store.approve([p.id], user=ALICE)
    approved = store.proposal(p.id)
    edited = store.edit(p.id, "name", "Short Name", user=BOB, expected_version=approved.version)
    assert edited.values["name"] == "Short Name"
    assert edited.diff["name"] == {"old": "Cust 10", "new": "Short Name"}
    assert edited.preflight == []  # the reviewer dealt with the name finding
    assert edited.status == "pending"  # an edit needs a fresh approval
    entries, _ = store.audit_log(action="edit", proposal_id=p.id)
    assert entries[0].actor == "bob"
    assert entries[0].before["value"] == "Customer 10"
    assert entries[0].after["value"] == "Short Name"
    with pytest.raises(InputError, match="no field 'nmae'"):
        store.edit(p.id, "nmae", "x", user=BOB, expected_version=edited.version)


def test_roles_are_checked_by_the_store(store: Store) -> None:
    batch_id, page = _batch(store)
    with pytest.raises(PermissionDenied, match="val \\(viewer\\) may not approve"):
        store.approve([page[0].id], user=VIEWER)
    with pytest.raises(PermissionDenied):
        store.reject_where(batch_id, user=VIEWER)
    with pytest.raises(PermissionDenied):
        store.edit(page[0].id, "name", "x", user=VIEWER, expected_version=1)
    with pytest.raises(PermissionDenied, match="may not manage users"):
        store.add_user("eve", "admin", "long-enough-pw", by=ALICE)
    assert store.batch(batch_id).by_status == {"pending": 6}
    assert store.add_user("eve", "viewer", "long-enough-pw", by=ADMIN).role == "viewer"


def test_rejecting_a_pairing_remembers_not_a_match(store: Store) -> None:
    _, page = _batch(store)
    link, other_link = page[2], page[5]
    assert store.reject([link.id], user=ALICE, reason="different companies") == 1
    assert store.approve([other_link.id], user=ALICE) == 1
    decisions = store.decisions("customer", "files", "sage100c").sort("left_id")
    assert decisions.rows() == [("C00002", "T00002", "not_match"), ("C00005", "T00005", "match")]
    entries, total = store.audit_log(actor="alice")
    assert total == 2
    assert {e.action for e in entries} == {"approve", "reject"}
    reject = next(e for e in entries if e.action == "reject")
    assert reject.before["status"] == "pending" and reject.after["status"] == "rejected"
    assert "different companies" in reject.message


def test_bulk_approve_over_a_filter_counts_and_audits(store: Store) -> None:
    batch_id, _ = _batch(store, 30)
    n = store.approve_where(batch_id, user=ALICE, action="update", min_score=10)
    expected = sum(1 for i in range(30) if i % 3 == 1 and i % 100 >= 10)
    assert n == expected
    assert store.batch(batch_id).by_status == {"approved": n, "pending": 30 - n}
    assert store.approve_where(batch_id, user=ALICE, action="update", min_score=10) == 0
    entries, audited = store.audit_log(action="approve", limit=None)
    assert audited == n
    assert {e.actor for e in entries} == {"alice"}
    assert all(e.before == {"status": "pending", "version": 1} for e in entries)
    assert all(e.after == {"status": "approved", "version": 2} for e in entries)
    assert "bulk" in entries[0].message and "min_score" in entries[0].message
    assert store.reject_where(batch_id, user=BOB, status="approved") == n
    with pytest.raises(InputError, match=r"unknown proposal filter.*scor"):
        store.approve_where(batch_id, user=ALICE, scor=10)


def test_exceptions_cannot_be_approved(store: Store) -> None:
    batch_id = store.save_batch(None, "invoices", [make_proposal(0, action="exception")])
    (p,), _ = store.proposals(batch_id)
    assert store.approve([p.id], user=ALICE) == 0
    assert store.approve_where(batch_id, user=ALICE) == 0
    assert store.proposal(p.id).status == "pending"
