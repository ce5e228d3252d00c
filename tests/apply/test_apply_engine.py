"""Apply: dependency order, blocked children, retries, permanent errors, links, roles."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from target_support import ADMIN, REVIEWER, TableTarget, customer, ids_of, invoice, job

from pixissync.apply import ApplyInProgress, Backoff, apply_batch
from pixissync.connectors.base import Change
from pixissync.errors import ConfigError, PermanentError, TransientError
from pixissync.proposal import Preflight
from pixissync.store import PermissionDenied, Store, lock_owner


def _change_for_existing() -> Change:
    return Change("customer", "create", "erp-own-record", "k", {"name": "Old Name"})


def _save_and_approve(store: Store, proposals: list, approve: slice = slice(None)) -> int:
    batch_id = store.save_batch(None, "mixed", proposals)
    page, _ = store.proposals(batch_id, limit=None)
    store.approve(ids_of(page[approve]), user=REVIEWER)
    return batch_id


def test_parents_go_first_and_children_get_the_target_key(
    store: Store, target: TableTarget
) -> None:
    # Children listed before their parents: apply must reorder.
    batch_id = _save_and_approve(store, [job(1, parent=7), job(2, parent=7), customer(7)])
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (report.applied, report.created, report.failed, report.blocked) == (3, 3, 0, 0)
    assert [c.entity for c in target.changes] == ["customer", "job", "job"]
    customer_key = next(r["id"] for r in target.rows() if r["entity"] == "customer")
    assert all(c.parents == {"customer_id": str(customer_key)} for c in target.changes[1:])
    assert store.xref_target("job", "files", "J1", "erp") is not None
    assert store.batch(batch_id).status == "applied"
    assert store.batch(batch_id).by_status == {"applied": 3}


def test_child_of_an_unapproved_parent_is_blocked_then_applied_later(
    store: Store, target: TableTarget
) -> None:
    batch_id = _save_and_approve(store, [customer(7), job(1, parent=7)], approve=slice(1, 2))
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (report.applied, report.blocked) == (0, 1)
    page, _ = store.proposals(batch_id, limit=None)
    parent, child = page
    assert child.status == "blocked"
    assert f"parent proposal {parent.id}" in (child.last_error or "")
    assert "which is pending" in (child.last_error or "")
    assert target.rows() == []
    assert store.batch(batch_id).status == "open"  # nothing written yet

    store.approve([parent.id], user=REVIEWER)
    again = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (again.applied, again.blocked) == (2, 0)
    assert store.batch(batch_id).status == "applied"
    assert target.references() == ["pxs:files:customer:C7", "pxs:files:job:J1"]


def test_parent_missing_from_target_and_batch_blocks_with_its_name(
    store: Store, target: TableTarget
) -> None:
    batch_id = _save_and_approve(store, [job(1, parent=99, depends_on=[])])
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert report.blocked == 1
    (child,), _ = store.proposals(batch_id)
    assert child.last_error == "parent customer C99 is not in erp yet (apply or link it first)"
    store.add_xref("customer", "files", "C99", "erp", "555")
    assert apply_batch(store, batch_id, {"erp": target}, user=ADMIN).applied == 1
    assert target.changes[0].parents == {"customer_id": "555"}


def test_failed_parent_blocks_its_children_but_not_others(
    store: Store, target: TableTarget
) -> None:
    target.faults[("before_write", "pxs:files:customer:C1")] = [
        PermanentError("rejected", system_message="Customer name is required")
    ]
    batch_id = _save_and_approve(store, [customer(1), job(1, parent=1), customer(2)])
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (report.applied, report.failed, report.blocked) == (1, 1, 1)
    by_source = {p.source_id: p for p in store.proposals(batch_id, limit=None)[0]}
    assert by_source["C1"].status == "failed"
    assert by_source["C1"].last_error == "rejected: Customer name is required"
    assert not by_source["C1"].retriable
    assert by_source["J1"].status == "blocked" and "which is failed" in str(
        by_source["J1"].last_error
    )
    assert by_source["C2"].status == "applied"
    assert target.references() == ["pxs:files:customer:C2"]
    assert store.batch(batch_id).status == "partly_applied"
    # A permanent failure is not retried by the next apply; its child stays blocked ...
    again = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (again.total, again.blocked, again.applied) == (1, 1, 0)
    # ... until a reviewer approves it again (after fixing the data).
    store.approve([by_source["C1"].id], user=REVIEWER)
    assert apply_batch(store, batch_id, {"erp": target}, user=ADMIN).applied == 2


def test_transient_errors_are_retried_honouring_retry_after(
    store: Store, target: TableTarget
) -> None:
    target.faults[("before_write", "pxs:files:customer:C1")] = [
        TransientError("throttled", system_message="429 Too Many Requests", retry_after=7),
        TransientError("server error", system_message="503"),
    ]
    waits: list[float] = []
    batch_id = _save_and_approve(store, [customer(1)])
    report = apply_batch(
        store,
        batch_id,
        {"erp": target},
        user=ADMIN,
        sleep=waits.append,
        backoff=Backoff(base=0.5, factor=2, jitter=0),
    )
    assert report.applied == 1
    assert waits == [7.0, 1.0]  # Retry-After first, then backoff for attempt 2
    (p,), _ = store.proposals(batch_id)
    assert p.attempts == 3 and p.status == "applied"


def test_exhausted_retries_leave_it_failed_and_retriable(store: Store, target: TableTarget) -> None:
    target.faults[("before_write", "pxs:files:customer:C1")] = [
        TransientError("timeout") for _ in range(3)
    ]
    waits: list[float] = []
    batch_id = _save_and_approve(store, [customer(1), customer(2)])
    report = apply_batch(
        store, batch_id, {"erp": target}, user=ADMIN, max_attempts=3, sleep=waits.append
    )
    assert (report.applied, report.failed) == (1, 1)
    assert len(waits) == 2 and all(0.3 <= w <= 1.3 for w in waits)  # jittered backoff
    failed = store.proposals(batch_id, status="failed")[0][0]
    assert failed.retriable and failed.attempts == 3
    assert "gave up after 3 attempts" in (failed.last_error or "")
    again = apply_batch(store, batch_id, {"erp": target}, user=ADMIN, sleep=waits.append)
    assert again.applied == 1
    assert target.references() == ["pxs:files:customer:C1", "pxs:files:customer:C2"]


def test_backoff_grows_and_is_capped() -> None:
    backoff = Backoff(base=1, factor=2, cap=5, jitter=0)
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 5, 5]
    assert backoff.delay(3, retry_after=0.25) == 0.25


def test_links_write_only_an_xref_and_exceptions_are_never_applied(
    store: Store, target: TableTarget
) -> None:
    link = customer(3, action="link", target_id="T3", score=97.0, values={})
    exception = customer(4, action="exception")
    batch_id = store.save_batch(None, "customers", [link, exception])
    store.approve_where(batch_id, user=REVIEWER)
    report = apply_batch(store, batch_id, {}, user=ADMIN)  # no connector needed for links
    assert (report.applied, report.linked, report.total) == (1, 1, 1)
    assert store.xref_target("customer", "files", "C3", "erp") == "T3"
    assert target.changes == []
    assert store.proposals(batch_id, action="exception")[0][0].status == "pending"


def test_values_reach_the_connector_as_exact_types(store: Store, target: TableTarget) -> None:
    batch_id = _save_and_approve(store, [invoice(1, "1234.50")])
    apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    (change,) = target.changes
    assert change.values["total"] == Decimal("1234.50")
    assert str(change.values["invoice_date"]) == "2026-10-01"
    assert type(change.values["invoice_date"]).__name__ == "date"


def test_an_edited_unreadable_amount_fails_that_proposal_only(
    store: Store, target: TableTarget
) -> None:
    batch_id = _save_and_approve(store, [invoice(1, "10.00"), invoice(2, "20.00")])
    first = store.proposals(batch_id)[0][0]
    store.edit(first.id, "total", "ten dollars", user=REVIEWER, expected_version=first.version)
    store.approve([first.id], user=REVIEWER)
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (report.applied, report.failed) == (1, 1)
    assert "invoice field 'total': 'ten dollars' is not a valid" in str(
        store.proposal(first.id).last_error
    )


def test_blocking_preflight_is_not_written(store: Store, target: TableTarget) -> None:
    finding = Preflight("field_length", "name", "name is 45 characters; Sage holds 30")
    batch_id = _save_and_approve(store, [customer(1, preflight=[finding])])
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert report.failed == 1 and target.changes == []
    assert "Sage holds 30" in str(store.proposals(batch_id)[0][0].last_error)


def test_only_admins_apply_and_missing_connectors_are_named(
    store: Store, target: TableTarget
) -> None:
    batch_id = _save_and_approve(store, [customer(1)])
    with pytest.raises(PermissionDenied, match="may not apply"):
        apply_batch(store, batch_id, {"erp": target}, user=REVIEWER)
    with pytest.raises(ConfigError, match="writes to erp but no connector"):
        apply_batch(store, batch_id, {"other": target}, user=ADMIN)
    assert store.proposals(batch_id)[0][0].status == "approved"


def test_two_applies_of_one_batch_do_not_run_at_once(store: Store, target: TableTarget) -> None:
    batch_id = _save_and_approve(store, [customer(1)])
    other = lock_owner().replace(":", "-", 1)  # a holder on another host: alive for us
    assert store.try_lock_flow(f"apply:batch:{batch_id}", f"elsewhere:{other}", 300)
    with pytest.raises(ApplyInProgress, match=f"batch {batch_id} is being applied by elsewhere"):
        apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert target.changes == []


def test_a_stale_claim_is_skipped_never_pushed_twice(store: Store, target: TableTarget) -> None:
    batch_id = _save_and_approve(store, [customer(1)])
    (p,), _ = store.proposals(batch_id)
    assert store.claim(p, "another-apply") is not None
    assert store.claim(p, "a-third-apply") is None  # same version: refused


def test_concurrent_applies_write_each_record_once(state_url: str, tmp_path: Path) -> None:
    setup = Store(state_url)
    setup.migrate()
    batch_id = _save_and_approve(setup, [customer(i) for i in range(40)])
    TableTarget(tmp_path / "erp.db").close()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        store, target = Store(state_url), TableTarget(tmp_path / "erp.db", delay=0.002)
        barrier.wait()
        try:
            report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
            outcomes.append(f"applied {report.applied}")
        except ApplyInProgress:
            outcomes.append("refused")
        finally:
            store.close()
            target.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = TableTarget(tmp_path / "erp.db")
    assert check.references() == sorted(customer(i).reference for i in range(40))
    check.close()
    assert sorted(outcomes) in (["applied 0", "applied 40"], ["applied 40", "refused"])
    assert setup.batch(batch_id).by_status == {"applied": 40}
    setup.close()


def test_a_link_with_a_diff_also_updates_the_target(store: Store, target: TableTarget) -> None:
    target.push(_change_for_existing())  # a record the ERP already had
    (existing,) = target.rows()
    link = customer(5, action="link", target_id=str(existing["id"]), values={"name": "New Name"})
    batch_id = _save_and_approve(store, [link])
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert (report.applied, report.updated) == (1, 1)
    assert target.changes[-1].action == "update"
    assert target.changes[-1].values == {"name": "New Name"}
    assert store.xref_target("customer", "files", "C5", "erp") == str(existing["id"])


def test_a_run_that_lost_its_lock_stops_and_records_what_it_wrote(
    store: Store, target: TableTarget
) -> None:
    batch_id = _save_and_approve(store, [customer(i) for i in range(5)])
    lock = f"apply:batch:{batch_id}"

    def steal(change: Change) -> None:
        holder = store.flow_lock(lock)
        assert holder is not None
        store.release_flow(lock, holder[0])
        assert store.try_lock_flow(lock, "elsewhere:1:other-apply", 600)

    original_push = target.push

    def push(change: Change) -> Any:
        result = original_push(change)
        if change.reference == customer(1).reference:
            steal(change)
        return result

    target.push = push  # type: ignore[method-assign]
    with pytest.raises(ApplyInProgress, match="lost the lock"):
        apply_batch(store, batch_id, {"erp": target}, user=ADMIN, lock_ttl=0)
    assert target.references() == [customer(0).reference, customer(1).reference]
    assert store.batch(batch_id).by_status == {"applied": 2, "approved": 3}
