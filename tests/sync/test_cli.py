"""The sync-cycle CLI: what a script or an operator sees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pixissync.cli import main
from pixissync.demo import build_demo_home


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("cli") / "home"
    build_demo_home(folder, review_all=True).close()
    yield folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_show_approve_reject_apply_round_trip(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "sync", "customers", "--dir", str(home), "--json")
    assert code == 0
    (result,) = json.loads(out)
    batch = str(result["batch_id"])
    assert result["counts"]["create"] == 20 and result["counts"]["quarantined"] == 1

    code, out, _ = run(capsys, "batches", "--dir", str(home), "--json")
    assert code == 0 and any(b["id"] == int(batch) for b in json.loads(out))

    code, out, _ = run(
        capsys, "show", batch, "--action", "create", "--limit", "5", "--dir", str(home), "--json"
    )
    shown = json.loads(out)
    assert shown["total"] == 20 and len(shown["proposals"]) == 5
    first, second = (p["id"] for p in shown["proposals"][:2])

    code, out, _ = run(capsys, "approve", batch, "--ids", str(first), "--dir", str(home))
    assert (code, out.strip()) == (0, f"1 proposals approved in batch {batch}")
    code, out, _ = run(
        capsys, "reject", batch, "--ids", str(second), "--reason", "not ours", "--dir", str(home)
    )
    assert code == 0 and "1 proposals rejected" in out

    code, out, _ = run(capsys, "apply", batch, "--dir", str(home), "--json")
    (report,) = json.loads(out)
    assert code == 0 and report["created"] == 1 and report["failed"] == 0


def test_bad_input_exits_2_with_a_clear_message(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "sync", "vendors", "--dir", str(home))
    assert code == 2 and "unknown flow 'vendors'; known flows: all, customers" in err
    code, _, err = run(capsys, "approve", "1", "--dir", str(home))
    assert code == 2 and "choose exactly one of --all, --ids" in err
    code, _, err = run(capsys, "batches", "--dir", str(tmp_path))
    assert code == 2 and "pixissync.toml not found" in err
    code, _, err = run(capsys, "approve", "1", "--all", "--user", "nobody", "--dir", str(home))
    assert code == 2 and "unknown user 'nobody'" in err


def test_a_viewer_cannot_approve(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    stdin = sys.stdin
    sys.stdin = io.StringIO("viewer-password\n")
    try:
        code, out, _ = run(
            capsys, "users", "add", "vera", "--role", "viewer", "--password-stdin",
            "--dir", str(home),
        )  # fmt: skip
    finally:
        sys.stdin = stdin
    assert code == 0 and "vera (viewer)" in out
    code, _, err = run(capsys, "approve", "1", "--all", "--user", "vera", "--dir", str(home))
    assert code == 2 and "vera (viewer) may not approve" in err


def test_connections_test_reports_each_system_in_plain_words(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "connections", "test", "--dir", str(home), "--json")
    rows = json.loads(out)
    assert code == 0
    assert {r["connection"] for r in rows} == {"field", "erp"}
    assert all(r["ok"] for r in rows), rows
