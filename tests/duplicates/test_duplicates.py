"""Duplicate customers in the sample ERP: the planted groups, no others; verdicts remembered."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pixissync.cli import main
from pixissync.duplicates import (
    SystemRecords,
    confirm_group,
    dismiss_group,
    find_groups,
    merge_worksheet,
    records_from,
)
from pixissync.errors import InputError
from pixissync.home import SAMPLES_DIR, Home
from pixissync.model import empty_frame
from pixissync.store import PermissionDenied, Store, User

REVIEWER = User("rev", "reviewer")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    from pixissync.demo import build_demo_home

    home = build_demo_home(tmp_path_factory.mktemp("dups") / "home")
    yield home
    home.close()


@pytest.fixture(scope="module")
def erp(demo: Home) -> SystemRecords:
    return records_from(demo.connector("erp"), "erp")


def _planted() -> set[tuple[str, ...]]:
    items = json.loads((SAMPLES_DIR / "manifest.json").read_text())["items"]
    return {tuple(sorted(i["erp_ids"])) for i in items if i["kind"] == "erp_duplicate_customer"}


def test_the_planted_groups_and_no_others(tmp_path: Path, erp: SystemRecords) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    groups = find_groups(store, erp)
    assert {tuple(m) for m in groups["members"].to_list()} == _planted()
    assert len(_planted()) == 10
    assert set(groups["status"]) == {"pending"}
    assert all(len(e) > 0 for e in groups["explanation"].to_list())
    # The record with the jobs survives: the copies were keyed later and hold nothing.
    facts = merge_worksheet(groups, erp)
    survivors = facts.filter(pl.col("record_id") == pl.col("survivor"))
    assert (survivors["jobs"] > 0).all()
    assert facts.filter(pl.col("record_id") != pl.col("survivor"))["jobs"].max() == 0


def test_verdicts_are_remembered_and_xrefs_follow_the_survivor(
    pg_url: str, erp: SystemRecords
) -> None:
    store = Store(pg_url)
    store.migrate()
    store.add_xref("customer", "field", "C100452", "erp", "501")
    groups = find_groups(store, erp)
    jamison = groups.filter(pl.col("members").list.contains("501")).row(0, named=True)
    other = groups.filter(~pl.col("members").list.contains("501")).row(0, named=True)
    with pytest.raises(PermissionDenied):
        dismiss_group(store, "customer", "erp", other["members"], user=User("vic", "viewer"))
    with pytest.raises(InputError, match="survivor '999'"):
        confirm_group(store, "customer", "erp", jamison["members"], "999", user=REVIEWER)
    verdict = confirm_group(store, "customer", "erp", jamison["members"], "293", user=REVIEWER)
    assert verdict.remapped == 1
    assert store.xref_target("customer", "field", "C100452", "erp") == "293"
    dismiss_group(store, "customer", "erp", other["members"], user=REVIEWER, note="two sites")
    again = find_groups(store, erp)
    assert other["group_id"] not in again["group_id"].to_list()  # never asked again
    assert again.height == 9
    row = again.filter(pl.col("group_id") == jamison["group_id"]).row(0, named=True)
    assert (row["status"], row["survivor_id"]) == ("confirmed", "293")
    store.close()


def test_deactivation_is_proposed_only_for_records_we_created(tmp_path: Path) -> None:
    customers = pl.DataFrame(
        {
            "customer_id": ["1", "2", "3"],
            "name": ["Acme Fire Protection", "Acme Fire Protection", "Acme Fire Protection Inc"],
            "address1": ["12 Main St"] * 3,
            "city": ["Austin"] * 3,
            "postal_code": ["78701"] * 3,
            "phone": ["512-555-0100"] * 3,
            "external_ref": [None, "pxs:field:customer:C7", None],
        }
    )
    jobs = pl.DataFrame({"job_id": ["10"], "customer_id": ["1"]})
    records = SystemRecords("erp", customers, jobs, empty_frame("invoice"))
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    groups = find_groups(store, records)
    assert groups["members"].to_list() == [["1", "2", "3"]]
    sheet = merge_worksheet(groups, records)
    assert sheet.filter(pl.col("deactivate"))["record_id"].to_list() == ["2"]
    assert sheet["action"].to_list()[0] == "keep: surviving record"


def test_cli_lists_confirms_and_writes_the_worksheet(
    demo: Home, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = ["--dir", str(demo.path)]
    out = tmp_path / "merge.xlsx"
    assert main(["duplicates", "customers", "--system", "erp", *home, "--out", str(out)]) == 0
    assert "10 duplicate group(s)" in capsys.readouterr().out
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book.active is not None and book.active.max_row == 1 + 24  # 7 pairs + 3 triples
    assert main(["duplicates", "confirm", "43", "--survivor", "43", *home, "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done[0]["members"] == ["43", "504", "505"]
    assert main(["duplicates", "dismiss", "nope", *home]) == 2
    assert "no open duplicate group 'nope'" in capsys.readouterr().err
