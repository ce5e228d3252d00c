"""Shaping proposals for review: the table row, the side-by-side records, the reasons.

These functions turn :class:`~pixissync.store.records.StoredProposal` objects into
small Polars frames the console shows (and exports) as they are; no Streamlit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import polars as pl

from pixissync.model import ENTITIES, spec
from pixissync.proposal import to_jsonable
from pixissync.store.records import StoredProposal

#: Columns of the review table, in order, with their types (empty pages keep them).
TABLE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "id": pl.Int64(),
    "flow": pl.String(),
    "action": pl.String(),
    "status": pl.String(),
    "score": pl.Float64(),
    "summary": pl.String(),
    "source_id": pl.String(),
    "target_id": pl.String(),
    "changes": pl.Int64(),
    "pre_flight": pl.String(),
    "error": pl.String(),
    "version": pl.Int64(),
}

SIDE_BY_SIDE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "field": pl.String(),
    "source": pl.String(),
    "target": pl.String(),
    "after_apply": pl.String(),
    "changed": pl.Boolean(),
}


def _text(value: Any) -> str | None:
    """One cell's display text: money and dates exact, nested values as JSON."""
    if value is None:
        return None
    plain = to_jsonable(value)
    if isinstance(plain, dict | list):
        return json.dumps(plain, ensure_ascii=False, sort_keys=True)
    return str(plain)


def pre_flight_flag(proposal: StoredProposal) -> str:
    """``blocking``, ``note`` or empty: the strongest pre-flight finding."""
    if proposal.blocking_preflight:
        return "blocking"
    return "note" if proposal.preflight else ""


def proposal_table(proposals: Sequence[StoredProposal]) -> pl.DataFrame:
    """One row a proposal for the review table (the current page only)."""
    rows = [
        {
            "id": p.id,
            "flow": p.flow,
            "action": p.action,
            "status": p.status,
            "score": p.score,
            "summary": p.summary,
            "source_id": p.source_id,
            "target_id": p.target_id or p.applied_target_id,
            "changes": len(p.diff) if p.diff else len(p.values),
            "pre_flight": pre_flight_flag(p),
            "error": p.last_error,
            "version": p.version,
        }
        for p in proposals
    ]
    return pl.DataFrame(rows, schema=TABLE_SCHEMA)


def explanation_labels(proposal: StoredProposal) -> list[str]:
    """The match explanation as human labels (the rule levels that fired)."""
    labels: list[str] = []
    for item in proposal.explanation:
        if isinstance(item, Mapping):
            label = item.get("label") or item.get("level") or _text(item)
            column = item.get("comparison") or item.get("column") or item.get("field")
            labels.append(
                f"{column}: {label}" if column and column not in str(label) else str(label)
            )
        else:
            labels.append(str(item))
    return labels


@dataclass(frozen=True)
class Records:
    """The source and target records behind a proposal, as plain dicts (may be empty)."""

    source: dict[str, Any]
    target: dict[str, Any]


def snapshot_records(proposal: StoredProposal, snapshot: str | Path | None) -> Records:
    """Read both records of a proposal from its batch's snapshot, if it was kept.

    The snapshot folder holds ``<connection>/<entity>.parquet`` files; only the
    one row of each side is read (Parquet predicate push-down).
    """
    if not snapshot or proposal.entity not in ENTITIES:
        return Records({}, {})
    folder = Path(snapshot)
    id_col = spec(proposal.entity).id_column

    def one(system: str, key: str | None) -> dict[str, Any]:
        path = folder / system / f"{proposal.entity}.parquet"
        if not key or not path.is_file():
            return {}
        rows = pl.scan_parquet(path).filter(pl.col(id_col) == key).head(1).collect()
        return rows.to_dicts()[0] if rows.height else {}

    return Records(
        one(proposal.source_system, proposal.source_id),
        one(proposal.target_system, proposal.target_id),
    )


def side_by_side(proposal: StoredProposal, records: Records | None = None) -> pl.DataFrame:
    """The two records side by side, one row a field, with what apply would write.

    Columns: ``source`` (the record in the source system), ``target`` (the
    target's record as it is now), ``after_apply`` and ``changed``, which marks
    the fields the proposal writes: the diff of an update or link, every value
    of a create. Fields the proposal does not touch come from the batch's
    snapshot when it was kept, so the reviewer sees whole records.
    """
    records = records or Records({}, {})
    rows: dict[str, dict[str, Any]] = {}
    if proposal.diff:
        for name, change in proposal.diff.items():
            new = _text(change.get("new"))
            rows[name] = {
                "source": new,
                "target": _text(change.get("old")),
                "after_apply": new,
                "changed": True,
            }
    else:
        writes = proposal.action == "create"
        for name, value in proposal.values.items():
            text = _text(value)
            rows[name] = {
                "source": text,
                "target": _text(records.target.get(name)),
                "after_apply": text if writes else _text(records.target.get(name)),
                "changed": writes,
            }
    for name in dict.fromkeys([*records.source, *records.target]):
        if name in rows or name == "updated_at":
            continue
        target = _text(records.target.get(name))
        rows[name] = {
            "source": _text(records.source.get(name)),
            "target": target,
            "after_apply": target,
            "changed": False,
        }
    frame = pl.DataFrame(
        [{"field": name, **row} for name, row in rows.items()], schema=SIDE_BY_SIDE_SCHEMA
    )
    # Changed fields first, so the difference is what the eye lands on.
    return frame.sort("changed", descending=True, maintain_order=True)


_AMOUNT: Final = re.compile(r"-?\d+\.\d+")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Score bands offered in the filter bar: label → (min, max), inclusive.
SCORE_BANDS: Final[dict[str, tuple[float | None, float | None]]] = {
    "Any score": (None, None),
    "Sure (0.90 and up)": (0.9, None),
    "Check (0.70 to 0.90)": (0.7, 0.9),
    "Weak (below 0.70)": (None, 0.7),
}
PREFLIGHT_CHOICES: Final[dict[str, bool | None]] = {
    "Any": None,
    "With pre-flight findings": True,
    "Without findings": False,
}


@dataclass(frozen=True)
class ProposalFilter:
    """The review filter bar as data; passed as is to the store's queries and bulk actions."""

    action: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    score_band: str = "Any score"
    preflight: str = "Any"
    text: str = ""

    def store_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Store.proposals`` / ``approve_where`` / ``reject_where``."""
        low, high = SCORE_BANDS.get(self.score_band, (None, None))
        kwargs: dict[str, Any] = {
            "action": list(self.action) or None,
            "status": list(self.status) or None,
            "min_score": low,
            "max_score": high,
            "preflight": PREFLIGHT_CHOICES.get(self.preflight),
            "text": self.text.strip() or None,
        }
        return {k: v for k, v in kwargs.items() if v is not None}

    def describe(self) -> str:
        """The filter in words, for confirmations: ``action create · status pending``."""
        parts = []
        if self.action:
            parts.append("action " + "/".join(self.action))
        if self.status:
            parts.append("status " + "/".join(self.status))
        if self.score_band != "Any score":
            parts.append(self.score_band.lower())
        if self.preflight != "Any":
            parts.append(self.preflight.lower())
        if self.text.strip():
            parts.append(f"text “{self.text.strip()}”")
        return " · ".join(parts) or "no filter (the whole batch)"


def parse_edit(old: Any, text: str) -> Any:
    """A reviewer's typed value in the form the proposal holds it.

    Money is kept as exact decimal text (``"$1,200.5"`` → ``"1200.50"`` when the
    old value had two places), dates as ``YYYY-MM-DD``; booleans and numbers by
    the old value's type; anything else as the text typed.

    Raises:
        ValueError: the text is not a valid amount, date or number where one is expected.
    """
    text = text.strip()
    if text == "":
        return None
    if isinstance(old, bool):
        return text.lower() in ("true", "yes", "y", "1")
    if isinstance(old, int):
        return int(text)
    if isinstance(old, float):
        return float(text)
    if isinstance(old, str) and _AMOUNT.fullmatch(old):
        try:
            amount = Decimal(text.replace("$", "").replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{text!r} is not an amount (like 1200.50)") from None
        places = len(old.partition(".")[2])
        return format(amount.quantize(Decimal(1).scaleb(-places)), "f")
    if isinstance(old, str) and _DATE.fullmatch(old):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return text
