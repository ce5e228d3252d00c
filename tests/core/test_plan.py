"""The planner: every pair and unmatched row becomes the proposal a reviewer expects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from pixissync.flows import DEFAULT_FLOWS
from pixissync.model import conform, empty_frame
from pixissync.plan import PlanInput, plan
from pixissync.preflight import TargetFacts


def frame(entity: str, rows: list[dict[str, str | None]]) -> pl.DataFrame:
    if not rows:
        return empty_frame(entity)
    valid, bad = conform(entity, pl.DataFrame(rows, infer_schema_length=None))
    assert bad.height == 0, bad
    return valid


def pairs(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "left_id": [r[0] for r in rows],
            "right_id": [r[1] for r in rows],
            "score": [0.97] * len(rows),
            "decision": [r[2] for r in rows],
            "explanation": [["name: same after removing legal suffix"]] * len(rows),
        },
        schema={
            "left_id": pl.String,
            "right_id": pl.String,
            "score": pl.Float64,
            "decision": pl.String,
            "explanation": pl.List(pl.String),
        },
    )


def links(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"source_id": [r[0] for r in rows], "target_id": [r[1] for r in rows]},
        schema={"source_id": pl.String, "target_id": pl.String},
    )


FIELD_CUSTOMERS = [
    {"customer_id": "F1", "name": "Summit Mechanical LLC", "phone": "555-0101", "city": "Austin"},
    {"customer_id": "F2", "name": "Bluebonnet Dental", "phone": "555-0102", "city": "Austin"},
    {"customer_id": "F3", "name": "New Homeowner", "phone": "555-0103", "city": "Round Rock"},
    {"customer_id": "F4", "name": "Same Everywhere", "phone": "555-0104", "city": "Austin"},
]
ERP_CUSTOMERS = [
    {"customer_id": "101", "name": "Summit Mechanical LLC", "phone": "555-9999", "city": "Austin"},
    {"customer_id": "102", "name": "Bluebonnet Dental PC", "phone": "555-0102", "city": "Austin"},
    {"customer_id": "104", "name": "Same Everywhere", "phone": "555-0104", "city": "Austin"},
]


def customer_plan() -> dict[str, list[object]]:
    inp = PlanInput(
        flow=DEFAULT_FLOWS["customers"],
        source=frame("customer", FIELD_CUSTOMERS),
        target=frame("customer", ERP_CUSTOMERS),
        pairs=pairs(("F1", "101", "known"), ("F2", "102", "review"), ("F4", "104", "known")),
        xref=links(("F1", "101"), ("F4", "104")),
    )
    by_source: dict[str, list[object]] = {}
    for p in plan(inp):
        by_source.setdefault(p.source_id, []).append(p)
    return by_source


def test_linked_pair_with_a_changed_field_becomes_an_update_of_that_field_only() -> None:
    (update,) = customer_plan()["F1"]
    assert update.action == "update"  # type: ignore[attr-defined]
    assert update.target_id == "101"  # type: ignore[attr-defined]
    assert update.diff == {"phone": {"old": "555-9999", "new": "555-0101"}}  # type: ignore[attr-defined]
    assert update.values == {"phone": "555-0101"}  # type: ignore[attr-defined]


def test_linked_pair_that_agrees_proposes_nothing() -> None:
    assert "F4" not in customer_plan()


def test_pairing_found_by_rules_is_a_link_with_its_explanation_and_diff() -> None:
    (link,) = customer_plan()["F2"]
    assert link.action == "link"  # type: ignore[attr-defined]
    assert link.decision == "review"  # type: ignore[attr-defined]
    assert link.explanation == ["name: same after removing legal suffix"]  # type: ignore[attr-defined]
    assert set(link.diff) == {"name"}  # type: ignore[attr-defined]


def test_unmatched_source_row_becomes_a_create_with_our_reference() -> None:
    (create,) = customer_plan()["F3"]
    assert create.action == "create"  # type: ignore[attr-defined]
    assert create.reference == "pxs:field:customer:F3"  # type: ignore[attr-defined]
    assert create.values["name"] == "New Homeowner"  # type: ignore[attr-defined]
    assert create.target_id is None  # type: ignore[attr-defined]


def test_idempotency_keys_are_stable_across_runs() -> None:
    first = {p.idempotency_key for ps in customer_plan().values() for p in ps}  # type: ignore[attr-defined]
    second = {p.idempotency_key for ps in customer_plan().values() for p in ps}  # type: ignore[attr-defined]
    assert first == second and len(first) == 3


def test_linked_record_gone_from_target_is_an_exception() -> None:
    inp = PlanInput(
        flow=DEFAULT_FLOWS["customers"],
        source=frame("customer", FIELD_CUSTOMERS[:1]),
        target=frame("customer", ERP_CUSTOMERS[1:2]),
        pairs=pairs(),
        xref=links(("F1", "101")),
    )
    (p,) = plan(inp)
    assert p.action == "exception"
    assert p.preflight[0].check == "linked_record_missing"


def _invoice(**kw: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "invoice_id": "I1",
        "invoice_number": "10422",
        "customer_id": "F1",
        "job_id": "J1",
        "invoice_date": "2026-09-14",
        "total": "1250.00",
        "status": "open",
    }
    row.update(kw)
    return row


def test_job_create_waits_for_an_unlinked_customer_and_names_it() -> None:
    inp = PlanInput(
        flow=DEFAULT_FLOWS["jobs"],
        source=frame("job", [{"job_id": "J9", "job_number": "J-9", "customer_id": "F3"}]),
        target=frame("job", []),
        pairs=pairs(),
        xref=links(),
        parent_links={"customer_id": links(("F1", "101"))},
    )
    (p,) = plan(inp)
    assert p.action == "create"
    assert p.parents == {"customer_id": "F3"}
    (finding,) = p.preflight
    assert finding.check == "blocked_by" and not finding.blocking
    assert "customer F3" in finding.message


def test_posted_invoice_that_differs_is_an_exception_never_an_edit() -> None:
    inp = PlanInput(
        flow=DEFAULT_FLOWS["invoices"],
        source=frame("invoice", [_invoice(total="1300.00")]),
        target=frame(
            "invoice", [_invoice(invoice_id="77", customer_id="101", job_id="501", status="posted")]
        ),
        pairs=pairs(("I1", "77", "known")),
        xref=links(("I1", "77")),
        parent_links={"customer_id": links(("F1", "101")), "job_id": links(("J1", "501"))},
    )
    (p,) = plan(inp)
    assert p.action == "exception"
    assert p.values == {}
    assert p.preflight[0].check == "posted_invoice"
    assert "credit memo" in p.preflight[0].message
    assert p.diff["total"] == {"old": Decimal("1250.00"), "new": Decimal("1300.00")}


def test_invoice_create_carries_its_lines_and_flags_a_closed_period() -> None:
    lines = conform(
        "invoice_line",
        pl.DataFrame(
            {
                "invoice_id": ["I1", "I1", "I2"],
                "line_no": ["1", "2", "1"],
                "description": ["Labor", "Parts", "Other"],
                "amount": ["1000.00", "250.00", "5.00"],
            }
        ),
    )[0]
    inp = PlanInput(
        flow=DEFAULT_FLOWS["invoices"],
        source=frame("invoice", [_invoice(), _invoice(invoice_id="I2", invoice_number="10423")]),
        target=frame("invoice", []),
        pairs=pairs(),
        xref=links(),
        children={"lines": lines},
        facts=TargetFacts(closed_periods=frozenset({(2026, 9)})),
    )
    proposals = {p.source_id: p for p in plan(inp)}
    first = proposals["I1"]
    assert first.action == "exception"  # September is closed
    assert [line["amount"] for line in first.values["lines"]] == [
        Decimal("1000.00"),
        Decimal("250.00"),
    ]
    assert first.preflight[0].check == "closed_period"


def test_time_for_unknown_employee_or_cost_code_is_an_exception_naming_it() -> None:
    entries = frame(
        "time_entry",
        [
            {"entry_id": "T1", "employee_id": "E1", "job_id": "J1", "cost_code": "01-100",
             "work_date": "2026-10-05", "regular_hours": "8", "approved": "true"},
            {"entry_id": "T2", "employee_id": "E404", "job_id": "J1", "cost_code": "01-100",
             "work_date": "2026-10-05", "regular_hours": "8", "approved": "true"},
            {"entry_id": "T3", "employee_id": "E1", "job_id": "J1", "cost_code": "99-999",
             "work_date": "2026-10-06", "regular_hours": "7.5", "approved": "true"},
        ],
    )  # fmt: skip
    inp = PlanInput(
        flow=DEFAULT_FLOWS["time"],
        source=entries,
        target=frame("time_entry", []),
        pairs=pairs(),
        xref=links(),
        parent_links={"job_id": links(("J1", "501"))},
        facts=TargetFacts(employees=frozenset({"E1"}), cost_codes=frozenset({"01-100"})),
    )
    by_id = {p.source_id: p for p in plan(inp)}
    assert by_id["T1"].action == "create"
    assert by_id["T1"].values["regular_hours"] == Decimal("8.00")
    assert by_id["T1"].values["work_date"] == date(2026, 10, 5)
    assert by_id["T2"].action == "exception" and "employee E404" in by_id["T2"].summary
    assert by_id["T3"].action == "exception" and "cost code 99-999" in by_id["T3"].summary


def test_a_target_that_cannot_take_the_entity_gets_exceptions_not_failed_writes() -> None:
    inp = PlanInput(
        flow=DEFAULT_FLOWS["customers"],
        source=frame("customer", FIELD_CUSTOMERS),
        target=frame("customer", ERP_CUSTOMERS),
        pairs=pairs(("F1", "101", "known"), ("F2", "102", "auto")),
        xref=links(("F1", "101")),
        facts=TargetFacts(writable=False, target_name="erp (sage300cre)"),
    )
    by_id = {p.source_id: p for p in plan(inp)}
    assert by_id["F1"].action == "exception" and by_id["F1"].values == {}
    assert by_id["F2"].action == "link" and by_id["F2"].values == {}
    assert by_id["F3"].action == "exception"
    assert "erp (sage300cre) does not take customer writes" in by_id["F3"].summary
