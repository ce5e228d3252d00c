"""``pixissync match`` and ``pixissync dedupe``: pair two exports, or find duplicates in one.

Input files are CSV (read as text, then typed by :func:`pixissync.model.conform`)
or Parquet. Rows that cannot be trusted (missing id, repeated id, a value of
the wrong type) are errors naming the file, row and column: nothing is
silently dropped. Output is a CSV with the explanation labels joined by " | ".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from pixissync.errors import InputError
from pixissync.matching.engine import dedupe, link
from pixissync.matching.rules import ENTITY_FILES, RuleSet, load_rules, rules_path
from pixissync.model import conform, spec

CLI_ENTITIES = ("customers", "jobs", "invoices")
MAX_LISTED = 20  # problems listed in one error message


def add_commands(sub: Any) -> None:
    """Register ``match`` and ``dedupe`` on the ``pixissync`` sub-parser collection."""
    match = sub.add_parser(
        "match",
        help="pair records of two exports (source LEFT, target RIGHT)",
        description="Pair records of two exports one-to-one by the entity's matching rules.",
    )
    match.add_argument("entity", choices=CLI_ENTITIES)
    match.add_argument("left", type=Path, help="source export (CSV or Parquet)")
    match.add_argument("right", type=Path, help="target export (CSV or Parquet)")
    match.add_argument("--out", type=Path, required=True, help="pairs CSV to write")
    match.add_argument("--rules", type=Path, help="rule file (default: rules/ENTITY.yaml)")
    match.set_defaults(func=run_match)

    dup = sub.add_parser(
        "dedupe",
        help="find duplicate records inside one export",
        description="Propose groups of duplicate records; every pair inside a group is listed.",
    )
    dup.add_argument("entity", choices=CLI_ENTITIES)
    dup.add_argument("records", type=Path, help="export (CSV or Parquet)")
    dup.add_argument("--out", type=Path, required=True, help="pairs CSV to write")
    dup.add_argument("--rules", type=Path, help="rule file (default: rules/ENTITY.yaml)")
    dup.set_defaults(func=run_dedupe)


def read_records(path: Path, entity: str) -> pl.DataFrame:
    """Read and conform one export; any quarantined row is an :class:`InputError`."""
    source = str(path)
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            raw = pl.read_parquet(path)
        else:
            raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except FileNotFoundError:
        raise InputError("file not found", file=source) from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read the file: {reason}", file=source) from None
    canonical = ENTITY_FILES[entity]
    id_column = spec(canonical).id_column
    if id_column not in raw.columns:
        raise InputError(f"missing required column {id_column!r}", file=source, column=id_column)
    valid, quarantine = conform(canonical, raw, source=source)
    if quarantine.height:
        first = quarantine.row(0, named=True)
        # The first problem heads the message; the next ones follow, one a line.
        rest = [
            f"\n  row {p['row']}, column {p['field']!r}: {p['reason']}: {p['value']!r}"
            for p in quarantine.slice(1, MAX_LISTED - 1).iter_rows(named=True)
        ]
        if quarantine.height > MAX_LISTED:
            rest.append(f"\n  ... and {quarantine.height - MAX_LISTED} more problem(s)")
        raise InputError(
            f"{first['reason']}: {first['value']!r}{''.join(rest)}",
            file=source,
            row=int(first["row"]),  # 1-based data row, header not counted
            column=str(first["field"]),
        )
    return valid


class ProgressBar:
    """A plain-text progress bar on stderr, shown only when a run takes a while."""

    def __init__(self, stream: TextIO = sys.stderr, delay: float = 1.0) -> None:
        self.stream, self.delay, self.start = stream, delay, time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.perf_counter() - self.start < self.delay and done < total:
            return
        if not self.shown and done >= total:
            return  # finished before it was worth showing
        self.shown = True
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _write(pairs: pl.DataFrame, out: Path) -> None:
    flat = pairs.with_columns(pl.col("explanation").list.join(" | "))
    try:
        flat.write_csv(out)
    except OSError as exc:
        raise InputError(f"cannot write the output: {exc.strerror or exc}", file=str(out)) from None


def _summary(pairs: pl.DataFrame, seconds: float, out: Path) -> str:
    counts = pairs.group_by("decision").len().sort("decision")
    parts = ", ".join(f"{d}: {n}" for d, n in counts.iter_rows()) or "none"
    return f"{pairs.height} pairs ({parts}) in {seconds:.1f} s -> {out}"


def _rules(args: argparse.Namespace) -> RuleSet:
    rules = load_rules(args.rules or rules_path(args.entity))
    if rules.entity != ENTITY_FILES[args.entity]:
        raise InputError(
            f"the rule file is for {rules.entity!r}, not {ENTITY_FILES[args.entity]!r}",
            file=rules.source,
        )
    return rules


def run_match(args: argparse.Namespace) -> int:
    """``pixissync match ENTITY LEFT RIGHT --out PAIRS``."""
    start = time.perf_counter()
    rules = _rules(args)
    left = read_records(args.left, args.entity)
    right = read_records(args.right, args.entity)
    pairs = link(left, right, rules, progress=ProgressBar())
    _write(pairs, args.out)
    print(_summary(pairs, time.perf_counter() - start, args.out))
    return 0


def run_dedupe(args: argparse.Namespace) -> int:
    """``pixissync dedupe ENTITY RECORDS --out PAIRS``."""
    start = time.perf_counter()
    rules = _rules(args)
    records = read_records(args.records, args.entity)
    pairs = dedupe(records, rules, progress=ProgressBar())
    _write(pairs, args.out)
    groups = pairs["group_id"].n_unique()
    print(_summary(pairs, time.perf_counter() - start, args.out) + f"; {groups} groups")
    return 0
