"""Precision, recall and F1 of proposed links and duplicate pairs against ground truth."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Quality:
    """Pair counts and rates; ``auto_precision`` only over pairs proposed without review."""

    tp: int
    fp: int
    fn: int
    auto: int
    auto_fp: int
    review: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def auto_precision(self) -> float:
        return (self.auto - self.auto_fp) / self.auto if self.auto else 1.0

    @property
    def review_share(self) -> float:
        return self.review / (self.auto + self.review) if self.auto + self.review else 0.0


def link_quality(pairs: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame) -> Quality:
    """Score one-to-one links: a true link pairs two records of one entity.

    The attainable number of links for an entity is min(copies on the left,
    copies on the right) (a one-to-one link cannot pair a duplicate twice), so
    recall is correct links over that sum.
    """
    lt = left.select(pl.col("customer_id").alias("left_id"), pl.col("entity").alias("le"))
    rt = right.select(pl.col("customer_id").alias("right_id"), pl.col("entity").alias("re"))
    judged = pairs.join(lt, on="left_id", how="left").join(rt, on="right_id", how="left")
    correct = judged["le"] == judged["re"]
    tp = int(correct.sum())
    attainable = (
        left.group_by("entity")
        .len()
        .join(right.group_by("entity").len(), on="entity", suffix="_r")
        .select(pl.min_horizontal("len", "len_r").sum())
        .item()
    )
    auto = judged["decision"].is_in(["auto", "known"])
    return Quality(
        tp=tp,
        fp=judged.height - tp,
        fn=int(attainable or 0) - tp,
        auto=int(auto.sum()),
        auto_fp=int((auto & ~correct).sum()),
        review=int((~auto).sum()),
    )


def dedupe_quality(pairs: pl.DataFrame, records: pl.DataFrame) -> Quality:
    """Score duplicate pairs: a true pair is two records of one entity in one system."""
    truth = records.select(pl.col("customer_id").alias("id"), "entity")
    judged = pairs.join(truth.rename({"id": "id_a", "entity": "ea"}), on="id_a", how="left").join(
        truth.rename({"id": "id_b", "entity": "eb"}), on="id_b", how="left"
    )
    correct = judged["ea"] == judged["eb"]
    tp = int(correct.sum())
    sizes = truth.group_by("entity").len()["len"]
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    auto = judged["decision"] == "auto"
    return Quality(
        tp=tp,
        fp=judged.height - tp,
        fn=true_pairs - tp,
        auto=int(auto.sum()),
        auto_fp=int((auto & ~correct).sum()),
        review=int((~auto).sum()),
    )
