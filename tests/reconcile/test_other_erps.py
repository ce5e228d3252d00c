"""The same sample books held in other ERP stand-ins tie out with the same figures and items."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pixissync.demo import build_demo_home
from pixissync.errors import InputError
from pixissync.reconcile import load_sides, load_tolerances, tie_out


def _kinds(exceptions: pl.DataFrame) -> dict[str, int]:
    main = exceptions.filter(pl.col("measure") != "AR open at period end")
    return dict(main.group_by("kind").len().sort("kind").iter_rows())


@pytest.mark.parametrize("erp", ["vista", "acumatica"])
def test_october_ties_out_in_another_erp(tmp_path: Path, erp: str) -> None:
    home = build_demo_home(tmp_path / "home", erp=erp)
    try:
        rec = tie_out(load_sides(home), "2026-10", load_tolerances())
    finally:
        home.close()
    line = {r["measure"]: r for r in rec.summary.iter_rows(named=True)}
    assert line["Invoiced"]["difference"] == Decimal("325715.26")
    assert line["Payments received"]["difference"] == Decimal("-570820.88")
    assert {r["unexplained"] for r in line.values()} == {Decimal("0.00")}
    kinds = _kinds(rec.exceptions)
    # Vista cuts check numbers to 10 characters: payments still pair on customer, amount, day.
    assert kinds["payment_only_in_erp"] == 30 and "payment_only_in_field" not in kinds
    if erp == "acumatica":
        # Its connector reads no employee list, so no entry is blamed on an unknown employee.
        assert "time_entry_unknown_employee" not in kinds
        assert kinds["time_entry_only_in_field"] == 60
    else:
        assert kinds["time_entry_unknown_employee"] == 20


def test_field_systems_that_read_less_are_reconciled_on_what_they_read(tmp_path: Path) -> None:
    # ServiceTrade clock events carry no cost code: hours still pair on the rest.
    home = build_demo_home(tmp_path / "st", systems=("servicetrade",))
    try:
        rec = tie_out(load_sides(home), "2026-10", load_tolerances())
    finally:
        home.close()
    assert rec.notes == ()
    kinds = _kinds(rec.exceptions)
    assert kinds["time_entry_only_in_field"] == 65  # incl. the 25 on codes the ERP lacks
    assert {str(v) for v in rec.summary["unexplained"]} == {"0.00"}

    # BuildOps reads no payments: payments and AR are left out, with the reason.
    home = build_demo_home(tmp_path / "bo", systems=("buildops",))
    try:
        rec = tie_out(load_sides(home), "2026-10", load_tolerances())
        again = tie_out(load_sides(home, latest=True), "2026-10", load_tolerances())
    finally:
        home.close()
    assert list(rec.summary["measure"]) == ["Invoiced", "Field hours"]
    assert (
        rec.notes[0].startswith("Payments received: left out") and "field.payment" in rec.notes[0]
    )
    assert again.notes == rec.notes and again.summary.equals(rec.summary)


def test_latest_needs_a_snapshot_reconcile_pulled(tmp_path: Path) -> None:
    home = build_demo_home(tmp_path / "home")
    try:
        with pytest.raises(InputError, match="without --latest"):
            load_sides(home, latest=True)
    finally:
        home.close()
