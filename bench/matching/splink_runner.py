"""Splink (DuckDB backend) on the same customers, configured as a careful user would.

Careful means: standardise the columns first (lower case, punctuation out, phone
digits, 5-digit ZIP, house number split off), block on several keys, compare
each field with graded levels and term-frequency adjustment on names, estimate
lambda from deterministic rules, u by random sampling, m by EM on two blocking
rules (not on phone: chain sites share a corporate phone, and EM trained there
learns that different sites match), and apply the same one-to-one assignment
PixisSync uses to its output.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from pixissync.matching.assign import one_to_one

CLEAN_COLUMNS = ["name", "address1", "house", "city", "postal_code", "phone", "email"]


def standardise(frame: pl.DataFrame) -> pl.DataFrame:
    """The cleaning a Splink user writes before linking (no domain dictionaries)."""

    def clean(col: str) -> pl.Expr:
        out = pl.col(col).str.to_lowercase().str.replace_all(r"[^a-z0-9@ ]", " ")
        return out.str.replace_all(r"\s+", " ").str.strip_chars().replace("", None)

    address = pl.concat_str(
        [pl.col("address1").fill_null(""), pl.col("address2").fill_null("")], separator=" "
    )
    phone = pl.col("phone").str.replace_all(r"[^0-9]", "").str.slice(-10)
    return frame.select(
        pl.col("customer_id").alias("unique_id"),
        clean("name").alias("name"),
        address.str.to_lowercase()
        .str.replace_all(r"[^a-z0-9 ]", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .replace("", None)
        .alias("address1"),
        address.str.extract(r"^\s*(\d+)", 1).alias("house"),
        clean("city").alias("city"),
        pl.col("postal_code").str.slice(0, 5).alias("postal_code"),
        pl.when(phone.str.len_chars() == 10).then(phone).otherwise(None).alias("phone"),
        pl.col("email").str.to_lowercase().str.strip_chars().alias("email"),
    )


def settings(link_type: str) -> Any:
    """The Splink model: comparisons and prediction blocking rules."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.97, 0.92, 0.85]).configure(
                term_frequency_adjustments=True
            ),
            cl.LevenshteinAtThresholds("address1", [1, 3]),
            cl.ExactMatch("house"),
            cl.ExactMatch("postal_code"),
            cl.ExactMatch("city"),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("email"),
            block_on("name"),
            block_on("postal_code", "house"),
            block_on("substr(name, 1, 4)", "postal_code"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _linker(frames: list[pl.DataFrame], link_type: str) -> Any:
    from splink import DuckDBAPI, Linker, block_on

    db = DuckDBAPI()
    tables = [
        db.register(standardise(f).to_pandas(), dataset_display_name=f"s{i}")
        for i, f in enumerate(frames)
    ]
    linker = Linker(tables, settings(link_type), log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name", "phone"), block_on("name", "email")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postal_code", "house")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    return linker


def link(left: pl.DataFrame, right: pl.DataFrame, review: float = 0.5) -> pl.DataFrame:
    """Splink's proposed links, one-to-one, with decision auto (>= 0.99) or review."""
    linker = _linker([left, right], "link_only")
    predictions = linker.inference.predict(threshold_match_probability=review)
    raw = pl.from_arrow(predictions.as_duckdbpyrelation().arrow())
    assert isinstance(raw, pl.DataFrame)
    # Splink orders each pair by source dataset name; "s0" is the left export.
    pairs = raw.select(
        pl.when(pl.col("source_dataset_l") == "s0")
        .then(pl.col("unique_id_l"))
        .otherwise(pl.col("unique_id_r"))
        .alias("left_id"),
        pl.when(pl.col("source_dataset_l") == "s0")
        .then(pl.col("unique_id_r"))
        .otherwise(pl.col("unique_id_l"))
        .alias("right_id"),
        pl.col("match_probability").alias("score"),
        pl.col("match_weight"),
    )
    order = np.lexsort(
        (pairs["right_id"].to_numpy(), pairs["left_id"].to_numpy(), -pairs["match_weight"])
    )
    li = pairs["left_id"].rank("dense").cast(pl.Int64).to_numpy()
    ri = pairs["right_id"].rank("dense").cast(pl.Int64).to_numpy()
    kept = pairs.filter(pl.Series(one_to_one(li, ri, order)))
    return kept.select(
        "left_id",
        "right_id",
        "score",
        pl.when(pl.col("score") >= 0.99)
        .then(pl.lit("auto"))
        .otherwise(pl.lit("review"))
        .alias("decision"),
    )


def dedupe(records: pl.DataFrame, review: float = 0.5) -> pl.DataFrame:
    """Splink's duplicate groups (connected components), every pair within a group."""
    linker = _linker([records], "dedupe_only")
    predictions = linker.inference.predict(threshold_match_probability=review)
    # Connected components chain through weak edges; a careful user clusters at 0.95.
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    frame = pl.from_arrow(clusters.as_duckdbpyrelation().arrow())
    assert isinstance(frame, pl.DataFrame)
    members = frame.select(pl.col("unique_id").alias("id"), "cluster_id")
    pairs = members.join(members, on="cluster_id", suffix="_b").filter(
        pl.col("id") < pl.col("id_b")
    )
    return pairs.select(
        pl.col("id").alias("id_a"), pl.col("id_b"), pl.lit("auto").alias("decision")
    )
