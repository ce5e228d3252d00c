"""Exactly once: a failure at every write position, then a rerun, leaves each record once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from target_support import ADMIN, REVIEWER, Crash, TableTarget, customer, job

from pixissync.apply import apply_batch
from pixissync.store import Store

HERE = Path(__file__).resolve().parent
CRASH_AT = "pxs:files:customer:C3"  # the third proposal apply takes


def _batch(store: Store) -> tuple[int, list[str]]:
    proposals = [customer(i) for i in (1, 2, 3, 4)]
    proposals += [job(i, parent=i) for i in (1, 2, 3)]
    proposals.append(customer(9))  # left pending: must never reach the target
    batch_id = store.save_batch(None, "mixed", proposals)
    page, _ = store.proposals(batch_id, limit=None)
    store.approve([p.id for p in page if p.source_id != "C9"], user=REVIEWER)
    return batch_id, sorted(p.reference for p in proposals if p.source_id != "C9")


def _dead_owner() -> str:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return f"{socket.gethostname()}:{gone.pid}:killed"


def _arm(position: str, store: Store, target: TableTarget) -> Callable[[int, int], None] | None:
    """Make the run die at ``position`` while applying CRASH_AT."""
    if position in ("find", "before_write", "after_write"):
        target.faults[(position, CRASH_AT)] = [Crash(position)]
        return None
    if position == "after_claim":
        claim_many = store.claim_many

        def claim_then_die(proposals: Any, owner: str) -> Any:
            claimed = claim_many(proposals, owner)  # committed
            if any(p.reference == CRASH_AT for p in proposals):
                raise Crash(position)
            return claimed

        store.claim_many = claim_then_die  # type: ignore[method-assign]
        return None
    if position == "during_record":
        upsert = store._upsert

        def upsert_then_die(conn: Any, table: Any, rows: Any, **kw: Any) -> None:
            upsert(conn, table, rows, **kw)
            if table.name == "xrefs" and any(r["reference"] == CRASH_AT for r in rows):
                raise Crash(position)  # inside the record transaction: rolled back

        store._upsert = upsert_then_die  # type: ignore[method-assign]
        return None
    assert position == "after_record"

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise Crash(position)

    return progress


@pytest.mark.parametrize(
    "position",
    ["after_claim", "find", "before_write", "after_write", "during_record", "after_record"],
)
def test_crash_at_each_write_position_then_rerun_writes_each_record_once(
    position: str, state_url: str, tmp_path: Path
) -> None:
    url, erp = state_url, tmp_path / "erp.db"
    store, target = Store(url), TableTarget(erp)
    store.migrate()
    batch_id, expected = _batch(store)
    progress = _arm(position, store, target)
    with pytest.raises(Crash):
        apply_batch(store, batch_id, {"erp": target}, user=ADMIN, progress=progress)
    # A killed process would not have released its lock: leave it held by a dead pid.
    assert store.try_lock_flow(f"apply:batch:{batch_id}", _dead_owner(), 600)
    store.close()
    target.close()

    # A new process: new store and connector on the same databases.
    store, target = Store(url), TableTarget(erp)
    written = len(target.rows())
    recorded = store.batch(batch_id).by_status.get("applied", 0)
    # Records are written in groups: a crash while recording loses the whole group.
    pushed_before_crash = {"after_claim": 0, "find": 2, "before_write": 2, "during_record": 7}.get(
        position, 3
    )
    assert written == pushed_before_crash
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert target.references() == expected  # each approved record exactly once
    assert report.failed == report.blocked == 0
    # Written but not recorded before the crash: found by reference, not written again.
    assert report.found == written - recorded
    assert report.created == len(expected) - written
    statuses = {p.source_id: p.status for p in store.proposals(batch_id, limit=None)[0]}
    assert statuses == {**{s: "applied" for s in statuses if s != "C9"}, "C9": "pending"}
    assert store.xrefs("customer", "files", "erp").height == 4
    assert store.xrefs("job", "files", "erp").height == 3
    jobs = [r for r in target.rows() if r["entity"] == "job"]
    assert all(r["parents"] != "{}" for r in jobs)
    # And a third run has nothing left to do.
    assert apply_batch(store, batch_id, {"erp": target}, user=ADMIN).total == 0
    store.close()
    target.close()


def test_sigkill_mid_batch_then_rerun_leaves_each_record_once(
    state_url: str, tmp_path: Path
) -> None:
    url, erp = state_url, tmp_path / "erp.db"
    store = Store(url)
    store.migrate()
    proposals = [customer(i) for i in range(60)]
    batch_id = store.save_batch(None, "customers", proposals)
    store.approve_where(batch_id, user=REVIEWER)
    TableTarget(erp).close()  # create the table before the child races for it

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    child = subprocess.Popen(
        [sys.executable, str(HERE / "apply_child.py"), url, str(erp), str(batch_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("done 20 "):
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    child.stdout.close()
    if child.stderr:
        child.stderr.close()

    target = TableTarget(erp)
    written_before = len(target.rows())
    assert 20 <= written_before < 60
    applied_before = store.batch(batch_id).by_status.get("applied", 0)
    report = apply_batch(store, batch_id, {"erp": target}, user=ADMIN)
    assert target.references() == sorted(p.reference for p in proposals)
    assert report.applied == 60 - applied_before
    assert store.batch(batch_id).by_status == {"applied": 60}
    target.close()
    store.close()
