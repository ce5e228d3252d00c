"""The sample company: reproducible, and every planted item is where the manifest says."""

from __future__ import annotations

import csv
import filecmp
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pixissync.model import ENTITIES, conform
from pixissync.sandbox.sample_company import generate, main, write

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path / "a"), "--seed", "11", "--scale", "0.04"]) == 0
    write(generate(seed=11, scale=0.04), tmp_path / "b")
    names = _files(tmp_path / "a")
    assert names == _files(tmp_path / "b") and len(names) == 20
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert (mismatch, errors) == ([], [])
    write(generate(seed=12, scale=0.04), tmp_path / "c")
    assert not filecmp.cmp(
        tmp_path / "a" / "field/customer.csv", tmp_path / "c" / "field/customer.csv", shallow=False
    )


def test_committed_samples_are_what_the_script_makes(tmp_path: Path) -> None:
    """data/samples is regenerated with the default seed, not edited by hand."""
    write(generate(), tmp_path)
    names = _files(SAMPLES)
    assert names == _files(tmp_path)
    _, mismatch, errors = filecmp.cmpfiles(SAMPLES, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLES / "manifest.json").read_text())
    return loaded


def _rows(side: str, name: str) -> list[dict[str, str]]:
    with (SAMPLES / side / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _index(side: str, name: str, key: str) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in _rows(side, name)}


def test_sizes_are_those_of_a_mid_size_contractor(manifest: dict[str, Any]) -> None:
    field = manifest["counts"]["field"]
    assert 500 <= field["customer"] <= 560
    assert 2000 <= field["job"] <= 2100
    assert 5000 <= field["invoice"] <= 5100
    assert 2.5 <= field["invoice_line"] / field["invoice"] <= 3.5
    assert 150 <= field["employee"] <= 160
    assert 19000 <= field["time_entry"] <= 21000
    for side in ("field", "sage100c"):
        for name, count in manifest["counts"][side].items():
            assert len(_rows(side, name)) == count, f"{side}/{name}"
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 15_000_000


def test_manifest_counts_match_its_items(manifest: dict[str, Any]) -> None:
    kinds: dict[str, int] = {}
    for item in manifest["items"]:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    assert kinds == manifest["counts"]["kinds"]
    for kind in (
        "customer_spelled_differently", "erp_duplicate_customer", "customer_only_in_field",
        "job_only_in_field", "invoice_st_prefix", "invoice_amount_difference",
        "invoice_date_difference", "invoice_posted_in_erp", "invoice_only_in_field",
        "payment_only_in_erp", "time_entry_unknown_cost_code", "time_entry_unknown_employee",
        "time_entry_only_in_field", "invalid_field_row",
    ):  # fmt: skip
        assert 5 <= kinds[kind] <= 50, kind


def test_every_planted_item_is_in_the_files(manifest: dict[str, Any]) -> None:
    customers = _index("field", "customer", "customer_id")
    jobs = _index("field", "job", "job_id")
    invoices = _index("field", "invoice", "invoice_id")
    entries = _index("field", "time_entry", "entry_id")
    clients = _index("sage100c", "reccln", "recnum")
    erp_jobs = _index("sage100c", "actrec", "recnum")
    erp_invoices = _index("sage100c", "acrinv", "recnum")
    employees = _index("sage100c", "employ", "recnum")
    codes = {row["recnum"] for row in _rows("sage100c", "cstcde")}
    field_refs = {row["reference"] for row in _rows("field", "payment")}
    erp_names = {row["clnnme"] for row in clients.values()}
    for item in manifest["items"]:
        kind, fid, eid = item["kind"], item.get("field_id"), item.get("erp_id")
        if kind == "customer_spelled_differently":
            assert customers[fid]["name"] == item["field_name"] != item["erp_name"]
            assert clients[eid]["clnnme"] == item["erp_name"]
        elif kind == "erp_duplicate_customer":
            group = [clients[r] for r in item["erp_ids"]]
            assert len(group) >= 2 and len({c["addrs1"] for c in group}) <= 2
        elif kind in ("customer_only_in_field", "field_value_too_long"):
            assert customers[fid]["name"] not in erp_names
        elif kind == "job_only_in_field":
            assert jobs[fid]["job_number"] not in erp_jobs
        elif kind == "invoice_st_prefix":
            assert invoices[fid]["invoice_number"] == "ST-" + erp_invoices[eid]["invnum"]
        elif kind in ("invoice_amount_difference", "invoice_posted_in_erp"):
            assert invoices[fid]["total"] == item["field_total"]
            assert erp_invoices[eid]["invttl"] == item["erp_total"] != item["field_total"]
            assert bool(erp_invoices[eid]["lgrrec"]) == (kind == "invoice_posted_in_erp")
        elif kind == "invoice_date_difference":
            assert invoices[fid]["invoice_date"] == item["field_date"]
            assert erp_invoices[eid]["invdte"] == item["erp_date"] != item["field_date"]
        elif kind == "invoice_only_in_field":
            number = invoices[fid]["invoice_number"]
            assert number not in {row["invnum"] for row in erp_invoices.values()}
        elif kind == "payment_only_in_erp":
            _, chknum = eid.split(":", 1)
            assert chknum not in field_refs
            assert all(erp_invoices[i] for i in item["invoice_ids"])
        elif kind == "time_entry_unknown_cost_code":
            assert entries[fid]["cost_code"] not in codes
        elif kind == "time_entry_unknown_employee":
            assert entries[fid]["employee_id"] not in employees
        elif kind == "time_entry_only_in_field":
            assert entries[fid]["employee_id"] in employees
        elif kind == "employee_only_in_field":
            assert fid not in employees
        elif kind == "invalid_field_row":
            continue  # checked below with conform
        else:
            raise AssertionError(f"unchecked kind {kind}")


def test_invalid_rows_are_exactly_what_conform_quarantines(manifest: dict[str, Any]) -> None:
    planted = {
        (i["entity"], i["field_id"], i["field"])
        for i in manifest["items"]
        if i["kind"] == "invalid_field_row"
    }
    found = set()
    for entity in ENTITIES:
        raw = pl.read_csv(SAMPLES / "field" / f"{entity}.csv", infer_schema=False)
        _, bad = conform(entity, raw, source=entity)
        found |= {(entity, r["record_id"], r["field"]) for r in bad.iter_rows(named=True)}
    assert found == planted
