"""Users, argon2 passwords, xrefs, decisions and flow locks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import polars as pl
import pytest
import sqlalchemy as sa
from store_support import ADMIN

from pixissync.errors import InputError
from pixissync.store import Store, User


def test_passwords_are_argon2_hashes_never_plaintext(store: Store) -> None:
    store.add_user("ada", "admin", "correct horse battery")
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM users")).mappings().all()
    (row,) = rows
    assert row["password_hash"].startswith("$argon2id$")
    assert all("correct horse" not in str(v) for v in row.values())
    assert store.authenticate("ada", "correct horse battery") == User("ada", "admin")
    assert store.authenticate("ada", "wrong password!") is None
    assert store.authenticate("nobody", "correct horse battery") is None


def test_user_rules(store: Store) -> None:
    store.add_user("rita", "reviewer", "pw-long-enough")
    with pytest.raises(InputError, match="already exists"):
        store.add_user("rita", "viewer", "pw-long-enough")
    with pytest.raises(InputError, match="role must be one of viewer, reviewer, admin"):
        store.add_user("sam", "boss", "pw-long-enough")
    with pytest.raises(InputError, match="at least 8 characters"):
        store.add_user("sam", "viewer", "short")
    store.update_user("rita", by=ADMIN, active=False)
    assert store.authenticate("rita", "pw-long-enough") is None
    assert store.users() == []


def test_xrefs_and_decisions_come_back_as_string_frames(store: Store) -> None:
    store.add_xref("customer", "files", "C1", "sage100c", "100", reference="pxs:files:customer:C1")
    store.add_xref("customer", "files", "C1", "sage100c", "101")  # relinked: replaces
    store.add_xref("customer", "files", "C2", "sage100c", "102")
    frame = store.xrefs("customer", "files", "sage100c").sort("source_id")
    assert dict(frame.schema) == {"source_id": pl.String, "target_id": pl.String}
    assert frame.rows() == [("C1", "101"), ("C2", "102")]
    assert store.xref_target("customer", "files", "C2", "sage100c") == "102"
    assert store.remap_xrefs("customer", "sage100c", ["101", "102"], "200", actor="ada") == 2
    assert set(store.xrefs("customer", "files", "sage100c")["target_id"]) == {"200"}
    assert store.xrefs("job", "files", "sage100c").height == 0

    store.record_decision("customer", "files", "C3", "sage100c", "9", "not_match", decided_by="ada")
    assert store.decisions("customer", "files", "sage100c").rows() == [("C3", "9", "not_match")]
    with pytest.raises(InputError, match="decision must be"):
        store.record_decision("customer", "a", "1", "b", "2", "maybe", decided_by="ada")  # type: ignore[arg-type]


def test_flow_lock_is_exclusive_and_expires(store: Store) -> None:
    assert store.try_lock_flow("customers", "w1", 60)
    assert not store.try_lock_flow("customers", "w2", 60)
    assert store.try_lock_flow("customers", "w1", 60)  # renewal by the holder
    store.release_flow("customers", "w2")  # not the holder: no effect
    assert not store.try_lock_flow("customers", "w2", 60)
    store.release_flow("customers", "w1")
    assert store.try_lock_flow("customers", "w2", 0)
    time.sleep(0.01)
    assert store.try_lock_flow("customers", "w3", 60)  # w2's lock expired


def test_a_dead_local_holder_is_taken_over(store: Store) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        host = socket.gethostname()
        assert store.try_lock_flow("jobs", f"{host}:{alive.pid}:a", 600)
        assert not store.try_lock_flow("jobs", f"{host}:{os.getpid()}:b", 600)
        assert store.try_lock_flow("time", f"{host}:{dead.pid}:c", 600)
        assert store.try_lock_flow("time", f"{host}:{os.getpid()}:d", 600)
    finally:
        alive.kill()
        alive.wait()


def test_two_workers_on_postgresql_never_hold_one_flow(pg_url: str) -> None:
    first, second = Store(pg_url), Store(pg_url)
    first.migrate()
    second.migrate()
    try:
        wins: list[str] = []
        barrier = threading.Barrier(8)

        def race(n: int) -> None:
            store = first if n % 2 else second
            barrier.wait()
            if store.try_lock_flow("payments", f"worker-{n}", 60):
                wins.append(f"worker-{n}")

        threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(wins) == 1
        holder = second.flow_lock("payments")
        assert holder is not None and holder[0] == wins[0]
    finally:
        first.close()
        second.close()
