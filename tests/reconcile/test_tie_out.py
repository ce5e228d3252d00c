"""On the sample company every month ties out to the cent, with exactly the planted items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from pixissync.errors import InputError
from pixissync.reconcile import Sides, load_tolerances, tie_out

MONTHS = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
# Manifest kind -> (our exception kind, the side whose id the manifest names).
PLANTED = {
    "invoice_amount_difference": ("invoice_amount_difference", "field_id"),
    "invoice_date_difference": ("invoice_date_difference", "field_id"),
    "invoice_posted_in_erp": ("invoice_changed_after_posting", "field_id"),
    "invoice_only_in_field": ("invoice_only_in_field", "field_id"),
    "invoice_st_prefix": ("invoice_number_format", "field_id"),
    "payment_only_in_erp": ("payment_only_in_erp", "erp_id"),
    "time_entry_only_in_field": ("time_entry_only_in_field", "field_id"),
    "time_entry_unknown_cost_code": ("time_entry_unknown_cost_code", "field_id"),
    "time_entry_unknown_employee": ("time_entry_unknown_employee", "field_id"),
}


def test_sample_spans_may_to_october(sides: Sides) -> None:
    dates = pl.concat([sides.field["invoice"], sides.erp["invoice"]])["invoice_date"]
    assert (str(dates.min())[:7], str(dates.max())[:7]) == (MONTHS[0], MONTHS[-1])


@pytest.mark.parametrize("month", MONTHS)
def test_every_month_is_explained_to_the_cent(sides: Sides, month: str) -> None:
    rec = tie_out(sides, month, load_tolerances())
    for row in rec.summary.iter_rows(named=True):
        assert row["difference"] == row["field_total"] - row["erp_total"], row
        assert row["unexplained"] == Decimal("0.00"), row
        assert row["explained"] == row["difference"], row
        assert isinstance(row["field_total"], Decimal)
    # Independent check of the invoiced line: plain sums of the period's invoices.
    start = pl.lit(month + "-01").str.to_date()
    end = start.dt.month_end()

    def total(frame: pl.DataFrame) -> Decimal:
        value = frame.filter(pl.col("invoice_date").is_between(start, end))["total"].sum()
        return Decimal(str(value))

    invoiced = rec.summary.filter(pl.col("measure") == "Invoiced").row(0, named=True)
    assert invoiced["field_total"] == total(sides.field["invoice"])
    assert invoiced["erp_total"] == total(sides.erp["invoice"])


def test_october_figures(sides: Sides) -> None:
    rec = tie_out(sides, "2026-10", load_tolerances())
    line = {r["measure"]: r for r in rec.summary.iter_rows(named=True)}
    assert line["Invoiced"]["difference"] == Decimal("325715.26")
    assert line["Payments received"]["difference"] == Decimal("-570820.88")
    assert line["Field hours"]["difference"] == Decimal("364.00")


def test_every_planted_item_is_found_and_nothing_else(
    sides: Sides, manifest: list[dict[str, Any]]
) -> None:
    found: set[tuple[str, str]] = set()
    for month in MONTHS:
        exc = tie_out(sides, month, load_tolerances()).exceptions
        # AR rows restate invoice and payment items as of the period end.
        for row in exc.filter(pl.col("measure") != "AR open at period end").iter_rows(named=True):
            found.add((row["kind"], row["field_id"] or row["erp_id"]))
    expected = {
        (PLANTED[i["kind"]][0], i[PLANTED[i["kind"]][1]]) for i in manifest if i["kind"] in PLANTED
    }
    assert len(expected) == 235
    assert found - expected == set(), "flagged but not planted"
    assert expected - found == set(), "planted but not found"


def test_ar_items_are_planted_invoices_and_payments(
    sides: Sides, manifest: list[dict[str, Any]]
) -> None:
    exc = tie_out(sides, "2026-10", load_tolerances()).exceptions
    ar = exc.filter(pl.col("measure") == "AR open at period end")
    payments = {i["erp_id"] for i in manifest if i["kind"] == "payment_only_in_erp"}
    assert set(ar.filter(pl.col("kind") == "payment_only_in_erp")["erp_id"]) == payments
    paid_gap = ar.filter(pl.col("kind") == "payment_only_in_erp")["explains"].sum()
    planted = sum(Decimal(i["amount"]) for i in manifest if i["kind"] == "payment_only_in_erp")
    assert Decimal(str(paid_gap)) == planted


def test_bad_period_names_the_value(sides: Sides) -> None:
    with pytest.raises(InputError, match="'2026-13'"):
        tie_out(sides, "2026-13")
