"""Score aligned candidate pairs: which level of each comparison fires, and its weight.

Pairs are two aligned arrays of row numbers. Every comparison is evaluated over
all pairs at once: exact tests are Polars column equality, fuzzy tests are one
``rapidfuzz.process.cpdist`` call per (field, scorer) (pairwise, no matrix).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from rapidfuzz import process

from pixissync.errors import RuleFileError
from pixissync.matching.rules import Level, RuleSet
from pixissync.matching.scorers import SCORERS, to_scale

Rows = npt.NDArray[np.int64]


@dataclass
class Scored:
    """Per pair: the total weight, the level index of each comparison, the deterministic rule."""

    total: npt.NDArray[np.float64]
    levels: list[npt.NDArray[np.int16]]
    deterministic: npt.NDArray[np.int16]  # index of the first rule that holds, else -1
    worst: npt.NDArray[np.float64]  # the most negative level weight that fired (<= 0)
    review_only: npt.NDArray[np.bool_]  # a level marked ``at_most: review`` fired

    def probability(self) -> npt.NDArray[np.float64]:
        """The match probability 0..1 from the total weight (log2 odds)."""
        return 1.0 / (1.0 + np.exp2(-np.clip(self.total, -60.0, 60.0)))


class _Side:
    """Gathers a field's values for the pairs once and keeps them."""

    def __init__(self, frame: pl.DataFrame, rows: Rows) -> None:
        self.frame = frame
        self.rows = pl.Series(rows, dtype=pl.Int64)
        self.cache: dict[str, pl.Series] = {}

    def get(self, field: str) -> pl.Series:
        if field not in self.cache:
            self.cache[field] = self.frame[field].gather(self.rows)
        return self.cache[field]


def _fuzzy(a: pl.Series, b: pl.Series, scorer: str, workers: int) -> npt.NDArray[np.float64]:
    both = (a.is_not_null() & b.is_not_null()).to_numpy()
    out = np.zeros(len(a), dtype=np.float64)
    if both.any():
        mask = pl.Series(both)
        scores = process.cpdist(
            a.filter(mask).to_list(),
            b.filter(mask).to_list(),
            scorer=SCORERS[scorer],
            workers=workers,
            dtype=np.float32,
        )
        out[both] = to_scale(scorer, np.asarray(scores, dtype=np.float64))
    return out


def score_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    li: Rows,
    ri: Rows,
    rules: RuleSet,
    *,
    workers: int = -1,
    on_comparison: Callable[[], None] | None = None,
) -> Scored:
    """Evaluate every comparison and deterministic rule for the aligned pairs."""
    lside, rside = _Side(left, li), _Side(right, ri)
    n = len(li)
    total = np.full(n, rules.prior, dtype=np.float64)
    worst = np.zeros(n, dtype=np.float64)
    review_only = np.zeros(n, dtype=bool)
    fuzzy_cache: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
    all_levels: list[npt.NDArray[np.int16]] = []
    for comp in rules.comparisons:
        chosen = np.full(n, -1, dtype=np.int16)
        for k, level in enumerate(comp.levels):
            field = level.field or comp.field
            test = _level_test(
                level, lside.get(field), rside.get(field), field, rules, fuzzy_cache, workers
            )
            chosen[(chosen == -1) & test] = k
        weights = np.array([lv.weight for lv in comp.levels] + [0.0])
        total += weights[chosen]
        np.minimum(worst, weights[chosen], out=worst)
        capped = np.array([lv.review_only for lv in comp.levels] + [False])
        review_only |= capped[chosen]
        all_levels.append(chosen)
        if on_comparison is not None:
            on_comparison()
    det = np.full(n, -1, dtype=np.int16)
    for k, rule in reversed(list(enumerate(rules.deterministic))):
        holds = np.ones(n, dtype=bool)
        for lf, rf in rule.pairs:
            a, b = lside.get(lf), rside.get(rf)
            holds &= (a == b).fill_null(False).to_numpy()
        det[holds] = k
    return Scored(total, all_levels, det, worst, review_only)


def _level_test(
    level: Level,
    a: pl.Series,
    b: pl.Series,
    field: str,
    rules: RuleSet,
    cache: dict[tuple[str, str], npt.NDArray[np.float64]],
    workers: int,
) -> npt.NDArray[np.bool_]:
    if level.kind == "null":
        return (a.is_null() | b.is_null()).to_numpy()
    if level.kind == "else":
        return np.ones(len(a), dtype=bool)
    if level.kind == "exact":
        return (a == b).fill_null(False).to_numpy()
    if level.kind == "within":
        if not (a.dtype.is_numeric() and b.dtype.is_numeric()):
            raise RuleFileError(
                rules.source,
                f"fields.{field}",
                f"a 'within' level needs a number field, got {a.dtype}",
            )
        diff = (a.cast(pl.Float64) - b.cast(pl.Float64)).abs()
        return (diff <= (level.maximum or 0.0)).fill_null(False).to_numpy()
    if a.dtype != pl.String or b.dtype != pl.String:
        raise RuleFileError(
            rules.source, f"fields.{field}", f"a fuzzy level needs a text field, got {a.dtype}"
        )
    best = np.zeros(len(a), dtype=np.float64)
    for scorer in level.scorers:
        key = (field, scorer)
        if key not in cache:
            cache[key] = _fuzzy(a, b, scorer, workers)
        best = np.maximum(best, cache[key])
    both = (a.is_not_null() & b.is_not_null()).to_numpy()
    return both & (best >= (level.minimum or 0.0))


def explanations(scored: Scored, keep: npt.NDArray[np.int64], rules: RuleSet) -> pl.Series:
    """The human labels of the levels (and deterministic rule) that fired, per kept pair."""
    columns: list[pl.Series] = []
    det_labels = np.array([r.label for r in rules.deterministic] + [None], dtype=object)
    columns.append(pl.Series("d", det_labels[scored.deterministic[keep]], dtype=pl.String))
    for i, (comp, chosen) in enumerate(zip(rules.comparisons, scored.levels, strict=True)):
        labels = np.array([lv.label for lv in comp.levels] + [None], dtype=object)
        columns.append(pl.Series(f"c{i}", labels[chosen[keep]], dtype=pl.String))
    frame = pl.DataFrame(columns)
    return frame.select(pl.concat_list(pl.all()).list.drop_nulls().alias("explanation")).to_series()
