"""Generate the sample company: a fictional mechanical contractor, both systems' views.

Usage::

    python -m pixissync.sandbox.sample_company --out data/samples [--seed 7] [--scale 1.0]

Writes ``field/<entity>.csv`` (the field system's export in canonical columns),
``sage100c/<table>.csv`` (the same company in Sage 100 Contractor's tables) and
``manifest.json`` (every planted item: kind, entity, the ids on each side and
details). The same seed and scale always give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pixissync.sandbox import sample_build as build
from pixissync.sandbox import sample_plants as plants
from pixissync.sandbox.sample_erp import erp_tables
from pixissync.sandbox.sample_field import field_tables
from pixissync.sandbox.sample_model import Company

Rows = list[dict[str, str]]
NOTES = {
    "erp_ids": "Sage record numbers (recnum) as strings; payments are '<clnnum>:<chknum>'.",
    "field_ids": "Field export ids (C/J/I/P/T prefixes); employees by payroll number.",
    "job_numbers": "Jobs share their number: field job_number == Sage actrec.recnum.",
    "invoice_numbers": "Invoices share their number: field invoice_number == acrinv.invnum.",
    "closed_periods": "Sage periods 2026-01..07 are locked (lckprd); their invoices are posted.",
    "balances": "Field invoice balances reflect only the payments the field system knows about.",
}


@dataclass(frozen=True)
class Sample:
    """The generated company: rows per file and the manifest."""

    field: dict[str, Rows]
    erp: dict[str, Rows]
    manifest: dict[str, Any]


def generate(seed: int = 7, scale: float = 1.0) -> Sample:
    """Build the sample company.

    Args:
        seed: the random seed; the same seed gives the same company.
        scale: 1.0 gives ~500 customers, ~2,000 jobs, ~5,000 invoices, 150
            employees and ~20,000 time entries; smaller values shrink every count
            (planted kinds keep at least two items each).

    Returns:
        The rows of every file and the manifest.
    """
    rng = random.Random(seed)
    company = Company(seed=seed, scale=scale)
    build.build_customers(company, rng, build.scaled(500, scale, 20))
    build.build_jobs(company, rng, build.scaled(2000, scale, 60))
    build.build_cost_codes(company)
    build.build_invoices(company, rng, build.scaled(5000, scale, 150))
    build.build_payments(company, rng)
    build.build_employees(company, rng, build.scaled(150, scale, 8))
    build.build_time(company, rng, build.scaled(20000, scale, 600))
    plants.plant_customers(company, rng)
    plants.plant_jobs(company, rng)
    plants.plant_invoices(company, rng)
    plants.plant_payments(company, rng)
    plants.plant_time(company, rng)
    plants.plant_invalid_rows(company)
    field = field_tables(company)
    erp = erp_tables(company)
    kinds = Counter(item["kind"] for item in company.planted)
    manifest = {
        "company": "Carolina Comfort Mechanical (fictional)",
        "seed": seed,
        "scale": scale,
        "notes": NOTES,
        "counts": {
            "field": {name: len(rows) for name, rows in field.items()},
            "sage100c": {name: len(rows) for name, rows in erp.items()},
            "kinds": dict(sorted(kinds.items())),
        },
        "items": company.planted,
    }
    return Sample(field=field, erp=erp, manifest=manifest)


def _write_csv(path: Path, rows: Rows, columns: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in rows)


def write(sample: Sample, out: Path) -> list[Path]:
    """Write the sample under ``out``; returns the files written."""
    from pixissync.connectors.sage100c.schema import TABLES
    from pixissync.model import ENTITIES

    written: list[Path] = []
    for entity, rows in sample.field.items():
        path = out / "field" / f"{entity}.csv"
        _write_csv(path, rows, list(ENTITIES[entity].columns))
        written.append(path)
    for table, rows in sample.erp.items():
        path = out / "sage100c" / f"{table}.csv"
        _write_csv(path, rows, [c.name for c in TABLES[table].columns])
        written.append(path)
    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps(sample.manifest, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
    written.append(manifest)
    readme = out / "README.md"
    readme.write_text(_readme(sample.manifest), encoding="utf-8")
    written.append(readme)
    return written


KIND_MEANING = {
    "customer_spelled_differently": "same customer, the ERP spells the name differently (`how`)",
    "erp_duplicate_customer": "one real customer entered two or three times in the ERP",
    "customer_only_in_field": "new customer the ERP has not seen (create)",
    "field_value_too_long": "field-only customer whose name exceeds Sage's 50 characters",
    "job_only_in_field": "new job (for a new or an existing customer)",
    "invoice_st_prefix": 'field number "ST-10422", ERP number "10422"',
    "invoice_amount_difference": "open invoice whose total differs (one line changed)",
    "invoice_date_difference": "open invoice dated a few days apart",
    "invoice_posted_in_erp": "posted invoice changed in the field (credit-memo exception)",
    "invoice_only_in_field": "new invoice on an existing job (create)",
    "payment_only_in_erp": "payment Sage received that the field system lacks (write back)",
    "employee_only_in_field": "new hire the ERP payroll lacks",
    "time_entry_unknown_cost_code": "time on a cost code the ERP lacks",
    "time_entry_unknown_employee": "time by an employee the ERP lacks",
    "time_entry_only_in_field": "time not yet posted to the ERP (create)",
    "invalid_field_row": "bad value in the field export that conform() must quarantine",
}


def _readme(manifest: dict[str, Any]) -> str:
    """A short guide to the generated folder (written by the script, not by hand)."""
    counts = manifest["counts"]
    lines = [
        "# Sample company (generated — do not edit)",
        "",
        f"{manifest['company']}. Made by `python -m pixissync.sandbox.sample_company "
        f"--out data/samples --seed {manifest['seed']}`; the same seed gives the same bytes.",
        "",
        "- `field/<entity>.csv` — the field system's export in canonical columns "
        "(`pixissync/model.py`).",
        "- `sage100c/<table>.csv` — the same company in Sage 100 Contractor tables "
        "(`pixissync/connectors/sage100c/schema.py`); load with "
        "`pixissync.sandbox.sage100c_db.build_sage100c_db`.",
        "- `manifest.json` — every planted item: kind, entity, ids on each side, details.",
        "",
        "| file | rows |",
        "|---|---|",
    ]
    for side in ("field", "sage100c"):
        lines += [f"| {side}/{name}.csv | {n:,} |" for name, n in counts[side].items()]
    lines += ["", "| planted kind | count | meaning |", "|---|---|---|"]
    lines += [
        f"| {kind} | {n} | {KIND_MEANING.get(kind, '')} |" for kind, n in counts["kinds"].items()
    ]
    lines += ["", "Conventions:", ""]
    lines += [f"- {text}" for text in manifest["notes"].values()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: generate and write the sample company."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("data/samples"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    sample = generate(args.seed, args.scale)
    files = write(sample, args.out)
    size = sum(f.stat().st_size for f in files)
    kinds = sample.manifest["counts"]["kinds"]
    print(f"wrote {len(files)} files, {size / 1e6:.1f} MB, to {args.out}")
    print("planted: " + ", ".join(f"{k}={v}" for k, v in kinds.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
