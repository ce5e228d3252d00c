"""CSV and Excel exports of any console table, safe against formula injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return can be run as a formula by Excel, LibreOffice or Google Sheets when the
file is opened (OWASP "CSV injection"). Every exported text cell and header that
starts with one of those characters is prefixed with a single quote, which the
spreadsheet shows as text. Numbers, dates and money stay typed: a negative
amount is a number, not text, and is never altered.

Nested columns (lists such as match explanations, structs such as diffs) are
flattened to text first, so the neutralising applies to what ends up in a cell.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Final

import polars as pl
import xlsxwriter

#: Leading characters a spreadsheet may treat as the start of a formula.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN: Final = r"^[=+\-@\t\r]"
_QUOTE: Final = "'"


def neutralise(value: str) -> str:
    """Return ``value`` made inert for a spreadsheet (prefix a quote if needed)."""
    if value.startswith(FORMULA_PREFIXES):
        return _QUOTE + value
    return value


def flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Turn nested and object columns into text so each cell holds one value.

    Lists are joined with ``"; "``; structs are written as JSON; everything else
    keeps its type.
    """
    exprs: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List | pl.Array):
            exprs.append(col.cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, pl.Struct):
            exprs.append(col.struct.json_encode().alias(name))
        elif dtype == pl.Object:
            exprs.append(col.map_elements(str, return_dtype=pl.String).alias(name))
        else:
            exprs.append(col)
    return frame.select(exprs)


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Flatten ``frame`` and neutralise every text cell and header that could run."""
    flat = flatten(frame)
    exprs = []
    for name, dtype in flat.schema.items():
        col = pl.col(name)
        if dtype == pl.String:
            col = (
                pl.when(col.str.contains(_FORMULA_PATTERN))
                .then(pl.lit(_QUOTE) + col)
                .otherwise(col)
            )
        elif dtype == pl.Categorical or isinstance(dtype, pl.Enum):
            text = col.cast(pl.String)
            col = (
                pl.when(text.str.contains(_FORMULA_PATTERN))
                .then(pl.lit(_QUOTE) + text)
                .otherwise(text)
            )
        exprs.append(col.alias(neutralise(name)))
    return flat.select(exprs)


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a byte-order mark so Excel reads accents right).

    Money columns are written with their exact decimal text; timestamps as ISO
    8601 with their time zone.
    """
    return b"\xef\xbb\xbf" + safe_frame(frame).write_csv().encode("utf-8")


def to_excel_bytes(frame: pl.DataFrame, *, sheet: str = "Export") -> bytes:
    """The frame as an ``.xlsx`` workbook with typed cells and neutralised text.

    Strings are always written as text (never parsed as formulas, numbers or
    links). Decimal amounts become Excel numbers shown with two decimals: Excel
    has no decimal type, and a ``Decimal(12, 2)`` value round-trips exactly
    through its display. Timestamps are written in UTC (Excel has no time zone).

    Args:
        frame: any table; nested columns are flattened to text.
        sheet: the worksheet name (Excel allows at most 31 characters).
    """
    safe = safe_frame(frame)
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
    ws = book.add_worksheet(_sheet_name(sheet))
    for c, name in enumerate(safe.columns):
        ws.write_string(0, c, name, bold)
    for r, row in enumerate(safe.iter_rows(), start=1):
        for c, value in enumerate(row):
            _write_cell(ws, r, c, value, formats)
    if safe.width:
        ws.autofilter(0, 0, max(safe.height, 1), safe.width - 1)
        ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _sheet_name(sheet: str) -> str:
    # Excel forbids these characters in sheet names and caps the length at 31.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in sheet).strip("'")
    return (cleaned or "Export")[:31]


def _write_cell(ws: Any, row: int, col: int, value: Any, formats: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), formats["money"])
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        ws.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, time):
        ws.write_datetime(row, col, value, formats["time"])
    else:
        ws.write_string(row, col, neutralise(str(value)))
