"""Canonical model: raw exports become exact, typed frames; bad rows are set aside."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from pixissync.errors import InputError
from pixissync.model import conform


def test_money_is_exact_and_formatted_amounts_are_read() -> None:
    raw = pl.DataFrame(
        {
            "invoice_id": ["1", "2"],
            "invoice_number": ["A1", "A2"],
            "invoice_date": ["2026-10-01", "2026-10-02"],
            "total": ["0.10", "$1,200.20"],
        }
    )
    valid, bad = conform("invoice", raw)
    assert bad.height == 0
    assert valid["total"].to_list() == [Decimal("0.10"), Decimal("1200.20")]
    assert valid["total"].sum() == Decimal("1200.30")
    assert valid["invoice_date"].to_list() == [date(2026, 10, 1), date(2026, 10, 2)]


def test_bad_rows_are_quarantined_with_record_field_value_and_reason() -> None:
    raw = pl.DataFrame(
        {
            "invoice_id": ["1", "2", "3", "3"],
            "invoice_number": ["A1", "A2", "A3", "A4"],
            "invoice_date": ["2026-10-01", "31/10/2026", "2026-10-03", "2026-10-04"],
            "total": ["10.00", "5.00", "abc", "1.00"],
        }
    )
    valid, bad = conform("invoice", raw, source="invoices.csv")
    assert valid["invoice_id"].to_list() == ["1"]
    found = {(r["row"], r["field"], r["value"]) for r in bad.iter_rows(named=True)}
    assert (2, "invoice_date", "31/10/2026") in found
    assert (3, "total", "abc") in found
    assert (4, "invoice_id", "3") in found
    reasons = dict(zip(bad["row"], bad["reason"], strict=False))
    assert "date" in reasons[2]
    assert "more than once" in reasons[4]


def test_extra_columns_are_ignored_and_missing_optional_ones_are_empty() -> None:
    raw = pl.DataFrame({"customer_id": ["c1"], "name": ["Acme"], "favourite_colour": ["red"]})
    valid, _ = conform("customer", raw)
    assert "favourite_colour" not in valid.columns
    assert valid["email"].to_list() == [None]


def test_missing_required_column_names_file_and_column() -> None:
    with pytest.raises(InputError, match=r"file c\.csv.*customer_id"):
        conform("customer", pl.DataFrame({"name": ["x"]}), source="c.csv")


def test_hours_outside_a_day_are_quarantined() -> None:
    raw = pl.DataFrame(
        {
            "entry_id": ["t1", "t2"],
            "employee_id": ["e1", "e1"],
            "work_date": ["2026-10-01", "2026-10-01"],
            "regular_hours": ["8.00", "26"],
        }
    )
    valid, bad = conform("time_entry", raw)
    assert valid["entry_id"].to_list() == ["t1"]
    assert bad.row(0, named=True)["field"] == "regular_hours"
