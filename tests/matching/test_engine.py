"""The engine on literal records: which level fires, hard negatives, overrides."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from pixissync.errors import InputError
from pixissync.matching import RuleSet, dedupe, link, load_rules, rules_path

COLUMNS = ["customer_id", "name", "address1", "address2", "city", "state", "postal_code",
           "phone", "email", "external_ref"]  # fmt: skip


@pytest.fixture(scope="module")
def customers() -> RuleSet:
    return load_rules(rules_path("customers"))


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [{c: row.get(c) for c in COLUMNS} for row in rows], schema=dict.fromkeys(COLUMNS, pl.String)
    )


def one_pair(rules: RuleSet, left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    out = link(frame({"customer_id": "L", **left}), frame({"customer_id": "R", **right}), rules)
    return out.row(0, named=True) if out.height else {"decision": None, "explanation": []}


BASE = {"address1": "100 Main Street", "city": "Boston", "postal_code": "02134"}


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        ({"name": "Summit Mech, L.L.C."}, {"name": "Summit Mechanical LLC"},
         "name: same after normalising"),
        ({"name": "Summit Mechanical Inc"}, {"name": "Summit Mechanical LLC"},
         "name: same after removing legal suffix and punctuation"),
        ({"name": "Smith, John"}, {"name": "John Smith"}, "name: same after normalising"),
        ({"name": "Heating Cooling Summit"}, {"name": "Summit Heating Cooling"},
         "name: same words in another order"),
        ({"name": "Sumit Mechanical"}, {"name": "Summit Mechanical"},
         "name: nearly the same (typo)"),
        ({"name": "Summit Mechanical Contractors"}, {"name": "Summit Mechanical"},
         "name: one holds all words of the other"),
        ({"name": "Art's Delicatessen", "address1": "12224 Ventura Blv.", "phone": "818/762-1221"},
         {"name": "Art's Deli", "address1": "12224 Ventura Blvd.", "phone": "818-762-1221"},
         "name: one is a shortened form of the other"),
        ({"name": "Summit Mech", "address1": "100 Main St Ste 200"},
         {"name": "Summit Mech", "address1": "100 Main Street", "address2": "Suite 200"},
         "unit: same"),
        ({"name": "Summit Mech", "address1": "925 Carpenter Close", "phone": "6175550101"},
         {"name": "Summit Mech", "address1": "952 Carpenter Close", "phone": "6175550101"},
         "house number: one digit off or two swapped"),
        ({"name": "Summit Mech", "address1": "100 N Main St"},
         {"name": "Summit Mech", "address1": "100 North Main Street"},
         "street: same after USPS abbreviations"),
        ({"name": "Summit Mech", "postal_code": "02134-1111"},
         {"name": "Summit Mech", "postal_code": "2134"}, "ZIP: same 5 digits"),
        ({"name": "Summit Mech", "phone": "(617) 555-0101 x12"},
         {"name": "Summit Mech", "phone": "1-617-555-0101"}, "phone: same 10 digits"),
        ({"name": "Summit Mech", "email": "AP@Summit.com"},
         {"name": "Summit Mech", "email": "ap@summit.com"}, "email: same address"),
        ({"name": "Summit Mech", "email": "ap@summit.com"},
         {"name": "Summit Mech", "email": "jo@summit.com"}, "email: same company domain"),
        ({"name": "Summit Mech"}, {"name": "Summit Mech", "phone": "6175550101"},
         "phone: missing on one side"),
    ],
)  # fmt: skip
def test_comparison_level_fires_with_its_label(
    customers: RuleSet, left: dict[str, Any], right: dict[str, Any], label: str
) -> None:
    pair = one_pair(customers, {**BASE, **left}, {**BASE, **right})
    assert pair["decision"] in ("auto", "review")
    assert label in pair["explanation"]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # sibling companies at one address, one phone
        ({"name": "ABC Plumbing", "phone": "6175550101", "email": "office@abc.com"},
         {"name": "ABC Electric", "phone": "6175550101", "email": "office@abc.com"}),
        ({"name": "Kim Plumbing & Heating LLC", "phone": "6175550101"},
         {"name": "Kim Roofing LLC", "phone": "6175550101"}),
        # numbered sites of one chain sharing corporate contacts
        ({"name": "Burger Barn #12", "address1": "12 Elm St", "phone": "6175550103",
          "email": "ap@burgerbarn.com"},
         {"name": "Burger Barn #15", "address1": "900 Lake Dr", "phone": "6175550103",
          "email": "ap@burgerbarn.com"}),
        ({"name": "Burger Barn #12"}, {"name": "Burger Barn #15"}),
        # one homeowner name at two addresses
        ({"name": "John Smith", "address1": "7 Pine Rd", "phone": "6175550104"},
         {"name": "Smith, John", "address1": "99 Birch Rd", "phone": "6175559999"}),
    ],
)  # fmt: skip
def test_hard_negatives_stay_apart(
    customers: RuleSet, left: dict[str, Any], right: dict[str, Any]
) -> None:
    pair = one_pair(customers, {**BASE, **left}, {**BASE, **right})
    assert pair["decision"] is None, pair


def test_our_reference_decides(customers: RuleSet) -> None:
    pair = one_pair(
        customers,
        {"name": "Totally Different Name"},
        {"name": "Another Name", "external_ref": "pxs:servicetrade:customer:L"},
    )
    assert pair["decision"] == "auto"
    assert pair["explanation"][0] == "the ERP record carries our reference"


def test_links_are_one_to_one_best_first(customers: RuleSet) -> None:
    left = frame(
        {"customer_id": "L1", "name": "Summit Mechanical", **BASE, "phone": "6175550101"},
        {"customer_id": "L2", "name": "Summit Mechanical", **BASE},
    )
    right = frame({"customer_id": "R1", "name": "Summit Mechanical LLC", **BASE,
                   "phone": "617-555-0101"})  # fmt: skip
    out = link(left, right, customers)
    assert out.select("left_id", "right_id").rows() == [("L1", "R1")]


def test_known_links_and_decisions_override_rules(customers: RuleSet) -> None:
    left = frame(
        {"customer_id": "L1", "name": "Summit Mechanical", **BASE},
        {"customer_id": "L2", "name": "Acme Roofing", **BASE},
        {"customer_id": "L3", "name": "Zed Corp"},
    )
    right = frame(
        {"customer_id": "R1", "name": "Summit Mechanical", **BASE},
        {"customer_id": "R2", "name": "Acme Roofing", **BASE},
        {"customer_id": "R3", "name": "Unrelated Name"},
    )
    known = pl.DataFrame({"left_id": ["L3"], "right_id": ["R3"]})
    decisions = pl.DataFrame(
        {"left_id": ["L1", "L2"], "right_id": ["R1", "R2"], "decision": ["not_match", "match"]}
    )
    out = link(left, right, customers, known_links=known, decisions=decisions)
    rows = {(r["left_id"], r["right_id"]): r for r in out.iter_rows(named=True)}
    assert ("L1", "R1") not in rows  # a reviewer said "not a match"
    assert rows[("L3", "R3")]["decision"] == "known"
    assert rows[("L3", "R3")]["explanation"] == ["linked before (xref)"]
    assert rows[("L2", "R2")]["decision"] == "known"


def test_bad_decision_value_is_an_input_error(customers: RuleSet) -> None:
    bad = pl.DataFrame({"left_id": ["a"], "right_id": ["b"], "decision": ["maybe"]})
    with pytest.raises(InputError, match="decision must be"):
        link(frame({"customer_id": "a"}), frame({"customer_id": "b"}), customers, decisions=bad)


def test_duplicate_ids_are_refused(customers: RuleSet) -> None:
    left = frame({"customer_id": "A", "name": "x"}, {"customer_id": "A", "name": "y"})
    with pytest.raises(InputError) as info:
        link(left, frame({"customer_id": "B", "name": "x"}), customers)
    assert info.value.row == 2 and info.value.column == "customer_id"


def test_dedupe_groups_do_not_chain(customers: RuleSet) -> None:
    # B resembles A and C; A and C are different sites: B joins one of them, never both.
    records = frame(
        {"customer_id": "A", "name": "Summit Mechanical #2", **BASE, "phone": "6175550101"},
        {"customer_id": "B", "name": "Summit Mechanical LLC", **BASE, "phone": "6175550101"},
        {"customer_id": "C", "name": "Summit Mechanical #3", **BASE, "phone": "6175550101"},
    )
    out = dedupe(records, customers)
    groups: dict[str, set[str]] = {}
    for row in out.iter_rows(named=True):
        groups.setdefault(row["group_id"], set()).update((row["id_a"], row["id_b"]))
    assert list(groups.values()) in ([{"A", "B"}], [{"B", "C"}])
    assert (out["id_a"] < out["id_b"]).all()


def test_dedupe_respects_not_match(customers: RuleSet) -> None:
    records = frame(
        {"customer_id": "A", "name": "Summit Mechanical", **BASE},
        {"customer_id": "B", "name": "Summit Mechanical LLC", **BASE},
    )
    assert dedupe(records, customers).height == 1
    no = pl.DataFrame({"left_id": ["B"], "right_id": ["A"], "decision": ["not_match"]})
    assert dedupe(records, customers, decisions=no).height == 0


def test_progress_is_reported(customers: RuleSet) -> None:
    seen: list[tuple[int, int]] = []
    link(frame({"customer_id": "a", "name": "x"}), frame({"customer_id": "b", "name": "x"}),
         customers, progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert seen and seen[-1][0] == seen[-1][1]
