"""A reconciliation as an Excel workbook (summary first, one sheet per exception kind) or CSVs.

Both reuse the console's exports, so every text cell is neutralised against
formula injection and money stays an exact, typed number.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import xlsxwriter

from pixissync.console.exports import _sheet_name, _write_cell, safe_frame, to_csv_bytes
from pixissync.reconcile.tie_out import Reconciliation


def sheets(rec: Reconciliation) -> dict[str, pl.DataFrame]:
    """The workbook's sheets in order: summary, each exception kind, then the breakdowns."""
    out: dict[str, pl.DataFrame] = {"summary": rec.summary}
    for kind in sorted(set(rec.exceptions["kind"].to_list())):
        out[kind] = rec.of_kind(kind)
    out["by_customer"] = rec.by_customer
    out["by_job"] = rec.by_job
    out["hours_by_job"] = rec.hours_by_job
    out["ar_aging"] = rec.aging
    return out


def workbook_bytes(rec: Reconciliation) -> bytes:
    """The ``.xlsx`` workbook of ``rec``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    bold = book.add_format({"bold": True})
    formats = {
        "money": book.add_format({"num_format": "#,##0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "time": book.add_format({"num_format": "hh:mm:ss"}),
    }
    for name, frame in sheets(rec).items():
        safe = safe_frame(frame)
        ws = book.add_worksheet(_sheet_name(name))
        for c, col in enumerate(safe.columns):
            ws.write_string(0, c, col, bold)
        for r, row in enumerate(safe.iter_rows(), start=1):
            for c, value in enumerate(row):
                _write_cell(ws, r, c, value, formats)
        if safe.width:
            ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def write_workbook(rec: Reconciliation, path: Path) -> Path:
    """Write the workbook to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(rec))
    return path


def write_csvs(rec: Reconciliation, folder: Path) -> list[Path]:
    """One CSV per sheet in ``folder`` (``summary.csv`` first); return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, frame in sheets(rec).items():
        target = folder / f"{rec.period}_{name}.csv"
        target.write_bytes(to_csv_bytes(frame))
        written.append(target)
    return written
