"""Killing a real `pixissync apply` mid-batch and running it again writes each record once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from pixissync.demo import build_demo_home
from pixissync.store import User
from pixissync.sync import sync

ADMIN = User("test-admin", "admin")


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "pixissync.cli", *args, "--dir", str(home)]


def test_apply_killed_mid_batch_then_rerun_leaves_each_record_once(tmp_path: Path) -> None:
    home = build_demo_home(tmp_path / "home")
    results = sync(home, ["customers", "jobs", "invoices"], trigger="test")
    approved = 0
    for r in results:
        assert r.batch_id is not None
        home.store.approve_where(r.batch_id, user=ADMIN, status="pending")
        approved += home.store.batch(r.batch_id).by_status.get("approved", 0)
    jobs_batch = next(r.batch_id for r in results if r.flow == "jobs")
    assert jobs_batch is not None

    log = tmp_path / "apply.log"
    with log.open("wb") as out:
        child = subprocess.Popen(_cli(home.path, "apply", "all"), stdout=out, stderr=out)
        deadline = time.monotonic() + 120
        killed = False
        while time.monotonic() < deadline and child.poll() is None:
            if home.store.batch(jobs_batch).by_status.get("applied", 0) >= 100:
                os.kill(child.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.05)
        child.wait(timeout=30)
    assert killed, "apply finished before it could be killed; the test proves nothing"
    assert child.returncode == -signal.SIGKILL, log.read_text()

    done = subprocess.run(_cli(home.path, "apply", "all"), capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr

    applied = sum(home.store.batch(r.batch_id).by_status.get("applied", 0) for r in results)  # type: ignore[arg-type]
    blocked = sum(home.store.batch(r.batch_id).by_status.get("blocked", 0) for r in results)  # type: ignore[arg-type]
    assert applied + blocked == approved
    erp = create_engine(f"sqlite:///{home.path / 'erp' / 'sage100c.db'}")
    with erp.connect() as conn:
        for table in ("reccln", "actrec", "acrinv"):
            refs = [r[0] for r in conn.execute(text(f"SELECT usrdf1 FROM {table}")) if r[0]]
            assert len(refs) == len(set(refs)), f"{table}: a record was written twice"
        created = conn.execute(
            text("SELECT count(*) FROM reccln WHERE usrdf1 IS NOT NULL")
        ).scalar_one()
    erp.dispose()
    customers = next(r for r in results if r.flow == "customers")
    assert created == customers.counts["create"]
    home.close()
