"""How proposals are shaped for reviewers: side by side, typed edits, sign-in hints."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from pixissync.console.auth import demo_login_hint, locate
from pixissync.console.proposals import (
    ProposalFilter,
    Records,
    explanation_labels,
    parse_edit,
    proposal_table,
    side_by_side,
    snapshot_records,
)
from pixissync.proposal import Preflight
from pixissync.store import StoredProposal

NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)


def _proposal(**changes: object) -> StoredProposal:
    base = StoredProposal(
        id=7, batch_id=1, flow="customers", entity="customer", action="update",
        status="pending", source_system="field", source_id="C1", target_system="erp",
        target_id="ACME", reference="pxs:field:customer:C1", idempotency_key="k",
        values={"phone": "512-555-0199"},
        diff={"phone": {"old": "512-555-0100", "new": "512-555-0199"}},
        score=None, decision="known", explanation=[], parents={}, depends_on=[],
        preflight=[], summary="Update customer 'Acme'", attempts=0, last_error=None,
        retriable=False, applied_target_id=None, approved_by=None, version=3,
        updated_at=NOW, updated_by="system",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_update_shows_whole_records_with_the_change_first() -> None:
    records = Records(
        source={"customer_id": "C1", "name": "Acme", "phone": "512-555-0199"},
        target={"customer_id": "ACME", "name": "Acme", "phone": "512-555-0100"},
    )
    frame = side_by_side(_proposal(), records)
    assert frame.row(0, named=True) == {
        "field": "phone",
        "source": "512-555-0199",
        "target": "512-555-0100",
        "after_apply": "512-555-0199",
        "changed": True,
    }
    name = frame.filter(pl.col("field") == "name").row(0, named=True)
    assert (name["source"], name["target"], name["changed"]) == ("Acme", "Acme", False)


def test_create_writes_every_value_into_an_empty_target() -> None:
    p = _proposal(action="create", target_id=None, diff={}, values={"name": "New", "city": "X"})
    frame = side_by_side(p)
    assert frame["changed"].all()
    assert frame["target"].is_null().all()
    assert frame["after_apply"].to_list() == ["New", "X"]


def test_snapshot_records_read_one_row_each_side(tmp_path: Path) -> None:
    for system, key, name in (("field", "C1", "Acme Co"), ("erp", "ACME", "ACME CO")):
        (tmp_path / system).mkdir()
        pl.DataFrame({"customer_id": [key, "other"], "name": [name, "x"]}).write_parquet(
            tmp_path / system / "customer.parquet"
        )
    records = snapshot_records(_proposal(), tmp_path)
    assert records.source == {"customer_id": "C1", "name": "Acme Co"}
    assert records.target == {"customer_id": "ACME", "name": "ACME CO"}
    assert snapshot_records(_proposal(), None) == Records({}, {})


def test_table_row_flags_blocking_pre_flight() -> None:
    finding = Preflight("closed_period", "invoice_date", "2025-12 is closed")
    frame = proposal_table([_proposal(preflight=[finding])])
    assert frame.row(0, named=True)["pre_flight"] == "blocking"
    assert frame.row(0, named=True)["changes"] == 1


def test_explanation_labels_from_strings_or_level_records() -> None:
    p = _proposal(explanation=["zip exact", {"comparison": "name", "label": "fuzzy ≥ 0.9"}])
    assert explanation_labels(p) == ["zip exact", "name: fuzzy ≥ 0.9"]


@pytest.mark.parametrize(
    ("old", "typed", "expected"),
    [
        ("1200.00", "$1,250.5", "1250.50"),
        ("2026-01-31", " 2026-02-28 ", "2026-02-28"),
        ("Acme", "Acme Fire", "Acme Fire"),
        (3, "4", 4),
        (True, "no", False),
        ("Acme", "", None),
    ],
)
def test_typed_edits_keep_the_proposal_s_form(old: object, typed: str, expected: object) -> None:
    assert parse_edit(old, typed) == expected


@pytest.mark.parametrize(("old", "typed"), [("1200.00", "twelve"), ("2026-01-31", "31/01/2026")])
def test_bad_edits_are_refused_with_the_expected_form(old: str, typed: str) -> None:
    with pytest.raises(ValueError, match=typed):
        parse_edit(old, typed)


def test_filter_passes_only_what_is_set_and_reads_back_in_words() -> None:
    flt = ProposalFilter(
        ("create",), (), "Check (0.70 to 0.90)", "With pre-flight findings", " ac "
    )
    assert flt.store_kwargs() == {
        "action": ["create"],
        "min_score": 0.7,
        "max_score": 0.9,
        "preflight": True,
        "text": "ac",
    }
    assert ProposalFilter().store_kwargs() == {}
    assert ProposalFilter().describe() == "no filter (the whole batch)"


def test_store_location_and_demo_hint(tmp_path: Path) -> None:
    where = locate({"PIXISSYNC_HOME": str(tmp_path)})
    assert where.home == tmp_path
    assert where.store_url == f"sqlite:///{tmp_path / 'state.db'}"
    pg = "postgresql+psycopg://u@db/pixis"
    assert locate({"PIXISSYNC_HOME": str(tmp_path), "PIXISSYNC_DB_URL": pg}).store_url == pg
    assert demo_login_hint(tmp_path) is None
    (tmp_path / "DEMO_LOGIN.txt").write_text("user: admin\npassword: pw-123456\n")
    assert demo_login_hint(tmp_path) == "demo admin: admin / pw-123456"


def test_connection_settings_never_show_secrets() -> None:
    from pixissync.console.connections import profiles

    config = {
        "connections": {
            "erp": {
                "system": "sage100c",
                "url": "mssql+pyodbc://sa:Hunter2@sql01/acme",
                "password_env": "SAGE_PASSWORD",
                "api_token": "abc123",
            }
        }
    }
    settings = profiles(config).row(0, named=True)["settings"]
    assert "Hunter2" not in settings and "abc123" not in settings
    assert "from environment variable SAGE_PASSWORD" in settings
    assert "mssql+pyodbc://••••@sql01/acme" in settings


def test_review_opens_on_the_parent_most_flow_with_pending_work() -> None:
    from pixissync.console.views import first_to_review
    from pixissync.store import BatchSummary

    def batch(id_: int, flow: str, pending: int) -> BatchSummary:
        return BatchSummary(id_, None, flow, NOW, "open", None, pending, {"pending": pending})

    newest_first = [
        batch(5, "payments", 9),
        batch(4, "jobs", 3),
        batch(3, "customers", 0),
        batch(2, "jobs", 7),
    ]
    assert first_to_review(newest_first) == 1  # jobs (customers has nothing pending), newest
    assert first_to_review([batch(1, "customers", 0)]) == 0
