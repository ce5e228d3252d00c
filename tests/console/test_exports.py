"""Exports open in a spreadsheet as the data, never as formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from pixissync.console.exports import neutralise, safe_frame, to_csv_bytes, to_excel_bytes

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_are_neutralised(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Acme Fire", "", "1=1", "a-b", "O'Brien"])
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert neutralise(value) == value


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "Acme Fire", None],
            "total": [Decimal("-12.50"), Decimal("1000.10"), Decimal("0.00")],
            "explanation": [["=bad label", "name exact"], ["zip exact"], []],
            "invoice_date": [date(2026, 1, 31), date(2026, 2, 1), None],
            "decided_at": [datetime(2026, 2, 1, 9, 30, tzinfo=UTC)] * 3,
        },
        schema_overrides={"total": pl.Decimal(12, 2)},
    )


def test_csv_cells_cannot_run_and_money_stays_exact() -> None:
    raw = to_csv_bytes(_frame())
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["name"] == "Acme Fire"
    # A negative amount is a number, not a formula: it keeps its sign and cents.
    assert [r["total"] for r in rows] == ["-12.50", "1000.10", "0.00"]
    assert rows[0]["explanation"] == "'=bad label; name exact"
    assert rows[0]["invoice_date"] == "2026-01-31"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value


def test_headers_from_data_are_neutralised() -> None:
    frame = pl.DataFrame({"=1+1": ["x"], "name": ["y"]})
    assert safe_frame(frame).columns == ["'=1+1", "name"]


def test_excel_has_text_not_formulas_and_typed_numbers() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(_frame(), sheet="Batch 7: review")))
    ws = book.active
    assert ws is not None
    assert ws.title == "Batch 7_ review"
    header = [c.value for c in ws[1]]
    assert header == ["name", "total", "explanation", "invoice_date", "decided_at"]
    name = ws.cell(row=2, column=1)
    assert name.data_type == "s"
    assert name.value == "'=cmd|' /C calc'!A0"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert ws.cell(row=2, column=2).value == pytest.approx(-12.5)
    assert ws.cell(row=2, column=2).number_format == "#,##0.00"
    assert ws.cell(row=2, column=4).value == datetime(2026, 1, 31)
    assert ws.cell(row=2, column=5).value == datetime(2026, 2, 1, 9, 30)
    assert ws.cell(row=4, column=1).value is None


def test_empty_table_exports_headers_only() -> None:
    frame = pl.DataFrame(schema={"id": pl.Int64, "summary": pl.String})
    assert to_csv_bytes(frame).decode("utf-8-sig").strip() == "id,summary"
    ws = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame))).active
    assert ws is not None
    assert [c.value for c in ws[1]] == ["id", "summary"]
    assert ws.max_row == 1
