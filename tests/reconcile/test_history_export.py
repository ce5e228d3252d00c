"""Saved reconciliations stay as saved; sign-off is admin-only and once; exports are safe."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pixissync.cli import main
from pixissync.errors import InputError, RuleFileError
from pixissync.home import Home
from pixissync.reconcile import Sides, load_tolerances, sides_from_frames, tie_out
from pixissync.reconcile.export import workbook_bytes, write_csvs
from pixissync.reconcile.history import load_reconciliation, save_reconciliation, sign_off
from pixissync.reconcile.tolerances import parse_tolerances
from pixissync.store import PermissionDenied, Store, User

REVIEWER = User("rev", "reviewer")
ADMIN = User("ann", "admin")


def test_saved_reconciliation_is_kept_and_signed_off_once(sides: Sides, pg_url: str) -> None:
    store = Store(pg_url)
    store.migrate()
    rec = tie_out(sides, "2026-09", load_tolerances())
    with pytest.raises(PermissionDenied):
        save_reconciliation(store, rec, user=User("vic", "viewer"))
    rec_id = save_reconciliation(store, rec, user=REVIEWER, note="September close")
    with pytest.raises(PermissionDenied, match="admin"):
        sign_off(store, rec_id, user=REVIEWER, note="looks fine")
    with pytest.raises(InputError, match="needs a note"):
        sign_off(store, rec_id, user=ADMIN, note=" ")
    done = sign_off(store, rec_id, user=ADMIN, note="tied out")
    assert (done.signed_off_by, done.signoff_note, done.note) == (
        "ann",
        "tied out",
        "September close",
    )
    with pytest.raises(InputError, match="already signed off by ann"):
        sign_off(store, rec_id, user=ADMIN, note="again")
    kept = load_reconciliation(store, rec_id).result
    assert kept is not None
    assert kept.summary.equals(rec.summary)
    assert kept.exceptions.equals(rec.exceptions)
    store.close()


def _tiny(name: str) -> Sides:
    def invoice(
        i: str, number: str, day: date, total: str, cust: str, job: str
    ) -> dict[str, object]:
        return {
            "invoice_id": i,
            "invoice_number": number,
            "customer_id": cust,
            "job_id": job,
            "invoice_date": day,
            "due_date": day,
            "total": Decimal(total),
            "balance": Decimal(total),
            "status": "open",
        }

    field = {
        "customer": pl.DataFrame({"customer_id": ["C1"], "name": [name]}),
        "job": pl.DataFrame({"job_id": ["J1"], "job_number": ["100"], "customer_id": ["C1"]}),
        "invoice": pl.DataFrame(
            [
                invoice("I1", "ST-1", date(2026, 9, 30), "100.00", "C1", "J1"),
                invoice("I2", "2", date(2026, 9, 10), "50.01", "C1", "J1"),
                invoice("I3", "3", date(2026, 9, 11), "7.00", "C1", "J1"),
            ]
        ),
    }
    erp = {
        "customer": pl.DataFrame({"customer_id": ["9"], "name": ["Other spelling"]}),
        "job": pl.DataFrame({"job_id": ["100"], "job_number": ["100"], "customer_id": ["9"]}),
        "invoice": pl.DataFrame(
            [
                invoice("1", "1", date(2026, 10, 1), "100.00", "9", "100"),
                invoice("2", "2", date(2026, 9, 10), "50.00", "9", "100"),
            ]
        ),
    }
    return sides_from_frames(field, erp)


def test_an_invoice_dated_across_month_end_moves_money_between_periods() -> None:
    sides = _tiny("Acme")
    sept = tie_out(sides, "2026-09", load_tolerances())
    octo = tie_out(sides, "2026-10", load_tolerances())
    moved = sept.of_kind("invoice_date_difference", "Invoiced").row(0, named=True)
    assert (moved["field_id"], moved["explains"]) == ("I1", Decimal("100.00"))
    assert octo.of_kind("invoice_date_difference", "Invoiced")["explains"].to_list() == [
        Decimal("-100.00")
    ]
    assert sept.of_kind("invoice_amount_difference", "Invoiced")["explains"].to_list() == [
        Decimal("0.01")
    ]
    assert sept.of_kind("invoice_only_in_field", "Invoiced")["field_id"].to_list() == ["I3"]
    line = sept.summary.row(0, named=True)
    assert (line["difference"], line["unexplained"]) == (Decimal("107.01"), Decimal("0.00"))
    # A cent of tolerance leaves that cent unexplained instead of listing it.
    loose = tie_out(sides, "2026-09", parse_tolerances({"amount_tolerance": "0.01"}))
    assert loose.summary.row(0, named=True)["unexplained"] == Decimal("0.01")


def test_workbook_puts_summary_first_and_neutralises_formulas(tmp_path: Path) -> None:
    rec = tie_out(_tiny('=HYPERLINK("http://x")'), "2026-09", load_tolerances())
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rec)))
    assert book.sheetnames[0] == "summary"
    assert {"invoice_date_difference", "invoice_amount_difference", "invoice_only_in_field"} <= set(
        book.sheetnames
    )
    sheet = book["invoice_only_in_field"]
    header = [c.value for c in sheet[1]]
    party = sheet.cell(2, header.index("party") + 1)
    assert party.data_type == "s" and str(party.value).startswith("'=")
    explains = sheet.cell(2, header.index("explains") + 1).value
    assert explains == 7.0
    files = write_csvs(rec, tmp_path / "csv")
    assert files[0].name == "2026-09_summary.csv"
    assert "'=HYPERLINK" in (tmp_path / "csv" / "2026-09_invoice_only_in_field.csv").read_text()


def test_tolerances_are_checked_with_the_key_named() -> None:
    with pytest.raises(RuleFileError, match="amount_tolerance"):
        parse_tolerances({"amount_tolerance": 0.5})
    with pytest.raises(RuleFileError, match="unknown key"):
        parse_tolerances({"amount": "1.00"})
    with pytest.raises(RuleFileError, match="date_tolerance_days"):
        parse_tolerances({"date_tolerance_days": -1})
    assert load_tolerances().amount == Decimal("0.00")


def test_cli_reconciles_the_latest_snapshot_and_saves(
    demo: Home, sides: Sides, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "sept.xlsx"
    code = main(
        [
            "reconcile",
            "--period",
            "2026-09",
            "--dir",
            str(demo.path),
            "--latest",
            "--json",
            "--out",
            str(out),
            "--save",
            "--note",
            "Sept",
        ]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["snapshot"] == sides.snapshot  # reused, not pulled again
    assert {r["unexplained"] for r in payload["summary"]} == {"0.00"}
    assert out.is_file()
    rec_id = payload["saved_id"]
    assert main(["reconcile", "signoff", str(rec_id), "--dir", str(demo.path), "--note", "ok"]) == 0
    assert main(["reconcile", "signoff", str(rec_id), "--dir", str(demo.path), "--note", "x"]) == 2
    assert "already signed off" in capsys.readouterr().err
