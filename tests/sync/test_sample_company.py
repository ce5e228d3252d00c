"""The sample company end to end: every planted item becomes the right proposal,
and approve-all → apply → sync again leaves only the exceptions that still stand.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from pixissync.apply import apply_batch
from pixissync.demo import build_demo_home
from pixissync.home import SAMPLES_DIR, Home
from pixissync.store import User
from pixissync.sync import FlowResult, sync

ADMIN = User("test-admin", "admin")


@pytest.fixture(scope="module")
def manifest() -> dict[str, list[dict[str, Any]]]:
    data = json.loads((SAMPLES_DIR / "manifest.json").read_text())
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in data["items"]:
        kinds[item["kind"]].append(item)
    return kinds


@pytest.fixture(scope="module")
def first_sync(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Home, list[FlowResult]]]:
    home = build_demo_home(tmp_path_factory.mktemp("sample") / "home")
    results = sync(home, "all", trigger="test")
    yield home, results
    home.close()


def _proposals(home: Home, batch_id: int | None) -> list[Any]:
    assert batch_id is not None
    items, total = home.store.proposals(batch_id, limit=100_000)
    assert len(items) == total
    return items


@pytest.fixture(scope="module")
def by_flow(first_sync: tuple[Home, list[FlowResult]]) -> dict[str, dict[str, Any]]:
    home, results = first_sync
    return {r.flow: {p.source_id: p for p in _proposals(home, r.batch_id)} for r in results}


def test_every_flow_leaves_a_pending_batch(first_sync: tuple[Home, list[FlowResult]]) -> None:
    home, results = first_sync
    assert [r.flow for r in results] == ["customers", "jobs", "invoices", "time", "payments"]
    for r in results:
        batch = home.store.batch(r.batch_id)  # type: ignore[arg-type]
        assert batch.by_status.get("pending", 0) > 0, r.flow


def test_customers_spelled_differently_are_paired_with_their_erp_record(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for item in manifest["customer_spelled_differently"]:
        p = by_flow["customers"][item["field_id"]]
        assert (p.action, p.target_id) == ("link", item["erp_id"]), item
        assert p.explanation, "every pairing explains itself"


def test_customer_keyed_twice_in_the_erp_pairs_with_one_of_its_records(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for item in manifest["erp_duplicate_customer"]:
        p = by_flow["customers"][item["field_id"]]
        assert p.action == "link" and p.target_id in item["erp_ids"], item


def test_records_only_in_the_field_become_creates(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for kind, flow in [
        ("customer_only_in_field", "customers"),
        ("invoice_only_in_field", "invoices"),
        ("time_entry_only_in_field", "time"),
    ]:
        for item in manifest[kind]:
            p = by_flow[flow][item["field_id"]]
            assert p.action == "create", (kind, item, p.summary)
            assert p.reference == f"pxs:field:{p.entity}:{item['field_id']}"
    too_long = {i["field_id"] for i in manifest["field_value_too_long"]}
    for item in manifest["job_only_in_field"]:
        p = by_flow["jobs"][item["field_id"]]
        if p.parents.get("customer_id") in too_long:
            assert p.action == "exception" and "cannot be written" in p.summary
        else:
            assert p.action == "create", (item, p.summary)


def test_values_the_erp_cannot_hold_are_exceptions_naming_the_field(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for item in manifest["field_value_too_long"]:
        p = by_flow["customers"][item["field_id"]]
        assert p.action == "exception"
        assert [(f.check, f.field) for f in p.preflight] == [("field_length", item["field"])]
        assert str(item["limit"]) in p.preflight[0].message


def test_invoice_differences_are_shown_as_field_diffs(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    invoices = by_flow["invoices"]
    for item in manifest["invoice_amount_difference"]:
        p = invoices[item["field_id"]]
        assert p.target_id == item["erp_id"]
        assert p.diff["total"]["old"] == item["erp_total"]
        assert p.diff["total"]["new"] == item["field_total"]
    for item in manifest["invoice_date_difference"]:
        p = invoices[item["field_id"]]
        assert p.target_id == item["erp_id"]
        assert p.diff["invoice_date"] == {"old": item["erp_date"], "new": item["field_date"]}


def test_st_prefixed_invoice_numbers_pair_without_renumbering_the_erp(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for item in manifest["invoice_st_prefix"]:
        p = by_flow["invoices"][item["field_id"]]
        assert (p.action, p.target_id) == ("link", item["erp_id"])
        assert "invoice_number" not in p.diff


def test_posted_invoices_are_never_edited(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for item in manifest["invoice_posted_in_erp"]:
        p = by_flow["invoices"][item["field_id"]]
        assert p.target_id == item["erp_id"]
        assert p.values == {}, "a posted invoice is never written"
        assert any(f.check == "posted_invoice" for f in p.preflight)


def test_erp_payments_missing_in_the_field_are_written_back(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for item in manifest["payment_only_in_erp"]:
        p = by_flow["payments"][item["erp_id"]]
        assert p.action == "create" and p.target_system == "field"
        assert str(p.values["amount"]) == item["amount"]


def test_time_for_unknown_cost_codes_and_employees_is_an_exception(
    by_flow: dict[str, dict[str, Any]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    for kind, check in [
        ("time_entry_unknown_cost_code", "missing_cost_code"),
        ("time_entry_unknown_employee", "missing_employee"),
    ]:
        for item in manifest[kind]:
            p = by_flow["time"][item["field_id"]]
            assert p.action == "exception"
            assert check in {f.check for f in p.preflight}, (item, p.preflight)


def test_invalid_rows_are_quarantined_not_dropped(
    first_sync: tuple[Home, list[FlowResult]], manifest: dict[str, list[dict[str, Any]]]
) -> None:
    _, results = first_sync
    quarantined = {
        (row["entity"], row["record_id"])
        for r in results
        for row in r.quarantined.iter_rows(named=True)
    }
    expected = {(i["entity"], i["field_id"]) for i in manifest["invalid_field_row"]}
    assert quarantined == expected


def test_no_pairing_crosses_document_numbers(by_flow: dict[str, dict[str, Any]]) -> None:
    for p in by_flow["jobs"].values():
        if p.action == "link":
            assert p.diff.get("job_number") is None
    wrong = [
        p.summary
        for p in by_flow["invoices"].values()
        if p.action == "link"
        and p.target_id
        and p.source_id.lstrip("I") != f"30{int(p.target_id):04d}"
    ]
    assert wrong == []


def test_approve_all_apply_and_sync_again_leaves_only_standing_exceptions(
    tmp_path: Path, manifest: dict[str, list[dict[str, Any]]]
) -> None:
    home = build_demo_home(tmp_path / "home")
    first = sync(home, "all", trigger="test")
    approved_creates = 0
    for r in first:
        assert r.batch_id is not None
        home.store.approve_where(r.batch_id, user=ADMIN, status="pending")
        report = apply_batch(home.store, r.batch_id, home.connectors(), user=ADMIN)
        assert report.failed == 0, report
        if r.flow != "payments":
            approved_creates += report.created
    second = {r.flow: r.counts for r in sync(home, "all", trigger="test")}
    for flow, counts in second.items():
        assert counts["create"] == counts["update"] == counts["link"] == 0, (flow, counts)
    assert second["invoices"]["exception"] == len(manifest["invoice_posted_in_erp"])
    assert second["time"]["exception"] == len(manifest["time_entry_unknown_cost_code"]) + len(
        manifest["time_entry_unknown_employee"]
    )
    erp = create_engine(f"sqlite:///{home.path / 'erp' / 'sage100c.db'}")
    with erp.connect() as conn:
        # One record per reference; a time entry is one daily-payroll row per pay type.
        refs = [
            tuple(row)
            for table, key in [
                ("reccln", "''"),
                ("actrec", "''"),
                ("acrinv", "''"),
                ("dlypyr", "paytyp"),
            ]
            for row in conn.execute(
                text(f"SELECT usrdf1, {key} FROM {table} WHERE usrdf1 IS NOT NULL")
            )
        ]
    erp.dispose()
    assert len(refs) == len(set(refs)), "a record was written twice"
    assert len({ref for ref, _ in refs}) == approved_creates
    home.close()
