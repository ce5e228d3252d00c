"""Properties that hold for any input: one-to-one links, order-free, symmetric duplicates."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pixissync.matching import dedupe, link, load_rules, rules_path

RULES = load_rules(rules_path("customers"))
# A small vocabulary so that generated records often resemble each other.
NAMES = ["Summit Mechanical", "Summit Mech LLC", "ABC Plumbing", "ABC Electric",
         "Burger Barn #12", "Burger Barn #15", "Smith, John", "John Smith", None]  # fmt: skip
STREETS = ["100 Main St", "100 Main Street", "7 Pine Rd", None]
PHONES = ["617-555-0101", "(617) 555-0101", "6175550199", None]

record = st.fixed_dictionaries(
    {
        "name": st.sampled_from(NAMES),
        "address1": st.sampled_from(STREETS),
        "phone": st.sampled_from(PHONES),
        "postal_code": st.sampled_from(["02134", "02134-0001", None]),
    }
)
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _frame(prefix: str, rows: list[dict[str, str | None]]) -> pl.DataFrame:
    data = [{"customer_id": f"{prefix}{i}", **row} for i, row in enumerate(rows)]
    schema = dict.fromkeys(["customer_id", "name", "address1", "phone", "postal_code"], pl.String)
    return pl.DataFrame(data, schema=schema)


@SETTINGS
@given(st.lists(record, max_size=12), st.lists(record, max_size=12))
def test_links_are_one_to_one_and_order_free(
    left_rows: list[dict[str, str | None]], right_rows: list[dict[str, str | None]]
) -> None:
    left, right = _frame("L", left_rows), _frame("R", right_rows)
    out = link(left, right, RULES)
    assert out["left_id"].is_unique().all() and out["right_id"].is_unique().all()
    assert out["decision"].is_in(["auto", "review"]).all()
    assert ((out["score"] >= RULES.review) & (out["score"] <= 1.0)).all()
    again = link(left.sample(fraction=1.0, shuffle=True, seed=1),
                 right.reverse(), RULES)  # fmt: skip
    assert again.sort("left_id").equals(out.sort("left_id"))


@SETTINGS
@given(st.lists(record, max_size=14))
def test_dedupe_is_symmetric_complete_and_order_free(rows: list[dict[str, str | None]]) -> None:
    records = _frame("C", rows)
    out = dedupe(records, RULES)
    assert (out["id_a"] < out["id_b"]).all()
    # Every pair inside each group is listed, each once.
    sizes = pl.concat([out.select("group_id", id="id_a"), out.select("group_id", id="id_b")])
    members = sizes.unique().group_by("group_id").len()
    expected = int((members["len"] * (members["len"] - 1) // 2).sum()) if members.height else 0
    assert out.height == expected
    assert out.select("id_a", "id_b").unique().height == out.height
    # Reversing the input changes nothing (symmetry of the pair relation and of grouping).
    flipped = dedupe(records.reverse(), RULES)
    assert flipped.sort("id_a", "id_b").equals(out.sort("id_a", "id_b"))
