"""Saving batches and finding proposals: paging, filters, counts on a big batch.

Speed is measured in bench/store_bench.py, not asserted here.
"""

from __future__ import annotations

from datetime import UTC

import pytest
from store_support import ALICE, make_proposal

from pixissync.errors import InputError
from pixissync.store import NotFound, Store

N = 50_000


def test_fifty_thousand_proposals_save_page_and_filter(store: Store) -> None:
    proposals = [make_proposal(i) for i in range(N)]
    batch_id = store.save_batch(None, "customers", proposals, snapshot="snap/1")

    summary = store.batch(batch_id)
    assert summary.total == N and summary.snapshot == "snap/1"
    assert summary.by_action == {"create": 16_667, "update": 16_667, "link": 16_666}
    assert summary.by_status == {"pending": N}

    page, total = store.proposals(batch_id, action="link", min_score=90, offset=100, limit=50)
    links_90 = sum(1 for i in range(N) if i % 3 == 2 and i % 100 >= 90)
    assert total == links_90
    assert len(page) == 50
    assert all(p.action == "link" and (p.score or 0) >= 90 for p in page)
    assert page == sorted(page, key=lambda p: p.id)

    _, with_findings = store.proposals(batch_id, preflight=True, limit=1)
    assert with_findings == N // 10
    found, hits = store.proposals(batch_id, text="customer 4242")
    assert hits == 1 + 10  # 4242 and 42420..42429
    assert {p.source_id for p in found} >= {"C04242"}


def test_a_saved_proposal_reads_back_exactly(store: Store) -> None:
    original = make_proposal(30)
    batch_id = store.save_batch(store.start_run("customers", "cli"), "customers", [original])
    (stored,), _ = store.proposals(batch_id)
    assert stored == store.proposal(stored.id)
    assert (stored.action, stored.status, stored.version, stored.attempts) == (
        "create",
        "pending",
        1,
        0,
    )
    assert stored.values == {"name": "Customer 30", "balance": "10.50"}  # money stays exact
    assert stored.preflight == original.preflight
    assert stored.updated_at.tzinfo == UTC


def test_repeated_idempotency_key_is_refused_with_both_rows(store: Store) -> None:
    twin = make_proposal(1, source_id="X")
    with pytest.raises(InputError, match=r"#0 and #2 .*share idempotency key"):
        store.save_batch(None, "customers", [make_proposal(1), make_proposal(2), twin])
    assert store.batches() == []


def test_batches_list_newest_first_with_filters(store: Store) -> None:
    first = store.save_batch(None, "customers", [make_proposal(0)])
    second = store.save_batch(None, "jobs", [make_proposal(1, flow="jobs")])
    assert [b.id for b in store.batches()] == [second, first]
    assert [b.id for b in store.batches(flow="jobs")] == [second]
    assert [b.id for b in store.batches(status="open")] == [second, first]
    with pytest.raises(NotFound, match="batch 999"):
        store.batch(999)
    with pytest.raises(NotFound, match="proposal 999"):
        store.proposal(999)


def test_a_new_sync_supersedes_unreviewed_proposals(store: Store) -> None:
    old = store.save_batch(None, "customers", [make_proposal(i) for i in range(3)])
    page, _ = store.proposals(old)
    store.approve([page[0].id], user=ALICE)
    assert store.supersede_pending("customers") == 2
    assert store.batch(old).by_status == {"approved": 1, "superseded": 2}
    assert store.supersede_pending("jobs") == 0
