"""Link two systems' records and find duplicates inside one, by a :class:`RuleSet`.

Scores are probabilities on a 0..1 scale (see :mod:`pixissync.matching.rules`).
A pair is ``auto`` at or above ``thresholds.auto`` or when a deterministic rule
holds, ``review`` at or above ``thresholds.review``; pairs below are not
proposed. Known links (xref) are ``known`` with score 1.0. Reviewers' earlier
decisions override the rules: "match" pairs are kept as ``known``, "not_match"
pairs are never proposed again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl

from pixissync.errors import InputError
from pixissync.matching.assign import one_to_one
from pixissync.matching.cluster import complete_linkage, components
from pixissync.matching.prepare import ID, ROW, block, check_ids, prepare
from pixissync.matching.rules import RuleSet
from pixissync.matching.score import Scored, explanations, score_pairs

Progress = Callable[[int, int], None]
LINK_SCHEMA: dict[str, pl.DataType] = {
    "left_id": pl.String(),
    "right_id": pl.String(),
    "score": pl.Float64(),
    "decision": pl.String(),
    "explanation": pl.List(pl.String()),
}
DEDUPE_SCHEMA: dict[str, pl.DataType] = {
    "id_a": pl.String(),
    "id_b": pl.String(),
    "score": pl.Float64(),
    "decision": pl.String(),
    "group_id": pl.String(),
    "explanation": pl.List(pl.String()),
}
# Components up to this size are compared all-pairs before grouping, so a true
# group is not split because blocking missed one of its pairs.
FULL_COMPARE_LIMIT = 40
# A level weight at or below this (log2: 1000 times likelier for different records)
# keeps two records out of one duplicate group unless the pair itself is proposed.
HARD_NEGATIVE = -10.0


class _Steps:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def __call__(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, self.total - 1), self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _decided(
    decisions: pl.DataFrame | None, a: str, b: str, what: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split reviewer decisions into ("match" pairs, "not_match" pairs) as (a, b) strings."""
    empty = pl.DataFrame(schema={a: pl.String, b: pl.String})
    if decisions is None or decisions.height == 0:
        return empty, empty
    need = {"left_id", "right_id", "decision"}
    if not need <= set(decisions.columns):
        missing = sorted(need - set(decisions.columns))
        raise InputError(f"{what} needs columns left_id, right_id, decision", column=missing[0])
    bad = decisions.filter(~pl.col("decision").is_in(["match", "not_match"]))
    if bad.height:
        raise InputError(
            f"{what}: decision must be 'match' or 'not_match', got {bad['decision'][0]!r}",
            column="decision",
        )
    frame = decisions.select(
        pl.col("left_id").cast(pl.String).alias(a),
        pl.col("right_id").cast(pl.String).alias(b),
        pl.col("decision"),
    )
    match = frame.filter(pl.col("decision") == "match").drop("decision")
    not_match = frame.filter(pl.col("decision") == "not_match").drop("decision")
    return match, not_match


def _candidates(parts: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [p for p in parts if p.height]
    if not frames:
        return pl.DataFrame(schema={"li": pl.UInt32, "ri": pl.UInt32})
    return pl.concat(frames).unique().sort("li", "ri")


def link(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rules: RuleSet,
    *,
    known_links: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Pair source records (left) with target records (right), one-to-one.

    Args:
        left, right: frames in the entity's canonical columns (id column per the rules).
        rules: the rule set.
        known_links: ``left_id, right_id`` pairs already linked (xref): always paired.
        decisions: ``left_id, right_id, decision`` ("match"/"not_match") from reviewers.
        progress: called with (steps done, steps total).

    Returns:
        ``left_id, right_id, score, decision, explanation``, best first; every id at
        most once.
    """
    check_ids(left, rules, "left")
    check_ids(right, rules, "right")
    steps = _Steps(
        len(rules.blocking) + len(rules.deterministic) + len(rules.comparisons) + 2, progress
    )
    lp, rp = prepare(left, rules), prepare(right, rules)

    fixed = _fixed_links(known_links, decisions, lp, rp)
    _, not_match = _decided(decisions, "left_id", "right_id", "decisions")
    lfree = lp.join(fixed, left_on=ID, right_on="left_id", how="anti")
    rfree = rp.join(fixed, left_on=ID, right_on="right_id", how="anti")
    # Blocking and scoring work on row numbers of the records still free.
    lfree = lfree.drop(ROW).with_row_index(ROW)
    rfree = rfree.drop(ROW).with_row_index(ROW)
    parts = block(lfree, rfree, rules)
    steps.done += len(parts) - 1
    steps()
    cand = _candidates(parts)
    if not_match.height:
        named = cand.with_columns(
            lfree[ID].gather(cand["li"]).alias("left_id"),
            rfree[ID].gather(cand["ri"]).alias("right_id"),
        )
        cand = named.join(not_match, on=["left_id", "right_id"], how="anti").select("li", "ri")
    li = cand["li"].cast(pl.Int64).to_numpy()
    ri = cand["ri"].cast(pl.Int64).to_numpy()
    scored = score_pairs(lfree, rfree, li, ri, rules, on_comparison=steps)
    prob = scored.probability()
    det = scored.deterministic >= 0
    eligible = np.flatnonzero(det | (prob >= rules.review))
    lid = lfree[ID].gather(li[eligible]).to_numpy()
    rid = rfree[ID].gather(ri[eligible]).to_numpy()
    # Best total first; deterministic before scored; ids break ties (deterministic result).
    order = np.lexsort((rid, lid, -scored.total[eligible], ~det[eligible]))
    kept = eligible[one_to_one(li[eligible], ri[eligible], order)]
    steps()
    proposed = _link_frame(
        scored, kept, prob, det, rules, lfree[ID].gather(li[kept]), rfree[ID].gather(ri[kept])
    )
    out = pl.concat([fixed.select(LINK_SCHEMA.keys()), proposed], how="vertical")
    out = out.sort(["score", "left_id", "right_id"], descending=[True, False, False])
    steps.finish()
    return out.cast(pl.Schema(LINK_SCHEMA))


def _link_frame(
    scored: Scored,
    kept: npt.NDArray[np.int64],
    prob: npt.NDArray[np.float64],
    det: npt.NDArray[np.bool_],
    rules: RuleSet,
    lid: pl.Series,
    rid: pl.Series,
) -> pl.DataFrame:
    auto = det[kept] | ((prob[kept] >= rules.auto) & ~scored.review_only[kept])
    return pl.DataFrame(
        {
            "left_id": lid,
            "right_id": rid,
            "score": np.where(det[kept], 1.0, np.round(prob[kept], 6)),
            "decision": np.where(auto, "auto", "review"),
            "explanation": explanations(scored, kept, rules),
        },
        schema=LINK_SCHEMA,
    )


def _fixed_links(
    known_links: pl.DataFrame | None,
    decisions: pl.DataFrame | None,
    lp: pl.DataFrame,
    rp: pl.DataFrame,
) -> pl.DataFrame:
    """Known links and reviewers' "match" pairs among present ids, one-to-one."""
    frames: list[pl.DataFrame] = []
    if known_links is not None and known_links.height:
        for column in ("left_id", "right_id"):
            if column not in known_links.columns:
                raise InputError("known_links needs columns left_id, right_id", column=column)
        frames.append(
            known_links.select(
                pl.col("left_id").cast(pl.String),
                pl.col("right_id").cast(pl.String),
                pl.lit("linked before (xref)").alias("why"),
            )
        )
    match, _ = _decided(decisions, "left_id", "right_id", "decisions")
    if match.height:
        frames.append(match.with_columns(pl.lit("a reviewer confirmed this pair").alias("why")))
    if not frames:
        return pl.DataFrame(schema=LINK_SCHEMA)
    fixed = (
        pl.concat(frames)
        .join(lp.select(pl.col(ID).alias("left_id")), on="left_id", how="semi")
        .join(rp.select(pl.col(ID).alias("right_id")), on="right_id", how="semi")
        .unique(subset=["left_id"], keep="first", maintain_order=True)
        .unique(subset=["right_id"], keep="first", maintain_order=True)
    )
    return fixed.select(
        "left_id",
        "right_id",
        pl.lit(1.0).alias("score"),
        pl.lit("known").alias("decision"),
        pl.concat_list(pl.col("why")).alias("explanation"),
    )


def dedupe(
    records: pl.DataFrame,
    rules: RuleSet,
    *,
    decisions: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Propose duplicate groups inside one system's records.

    A record joins a group through a proposed pair when no pair it would form
    there is clearly different (below ``thresholds.group`` or with a level weighing
    HARD_NEGATIVE or less). A pair in a group that is not automatic itself is
    automatic when the group's automatic pairs already join its two records.

    Args:
        records: a frame in the entity's canonical columns.
        rules: the rule set (deterministic rules across two different fields are ignored).
        decisions: ``left_id, right_id, decision`` from reviewers, either order.
        progress: called with (steps done, steps total).

    Returns:
        ``id_a, id_b, score, decision, group_id, explanation``: every pair inside each
        proposed group, ``id_a < id_b``; ``group_id`` is the smallest id of the group.
    """
    check_ids(records, rules, "records")
    steps = _Steps(
        len(rules.blocking) + len(rules.deterministic) + 2 * len(rules.comparisons) + 2, progress
    )
    prep = prepare(records, rules)
    ids = prep[ID]
    parts = block(prep, None, rules)
    steps.done += len(parts) - 1
    steps()
    cand = _candidates(parts)
    a = cand["li"].cast(pl.Int64).to_numpy()
    b = cand["ri"].cast(pl.Int64).to_numpy()
    match, not_match = _decided(decisions, "id_a", "id_b", "decisions")
    forced = _decided_rows(match, ids)
    forbidden = _decided_rows(not_match, ids)
    first = score_pairs(prep, prep, a, b, rules, on_comparison=steps)
    linked = (first.deterministic >= 0) | (first.probability() >= rules.review)
    seeds = [np.flatnonzero(linked)]
    comp = components(
        np.concatenate([a[seeds[0]], forced[0]]), np.concatenate([b[seeds[0]], forced[1]])
    )
    # Second pass: every pair inside each small component, so groups are judged whole.
    pa, pb = _component_pairs(comp, a[seeds[0]], b[seeds[0]], forced)
    scored = score_pairs(prep, prep, pa, pb, rules, on_comparison=steps)
    prob = scored.probability()
    det = scored.deterministic >= 0
    key = pa * len(ids) + pb
    is_forced = np.isin(key, forced[0] * len(ids) + forced[1])
    is_forbidden = np.isin(key, forbidden[0] * len(ids) + forbidden[1])
    ok = (det | (prob >= rules.review) | is_forced) & ~is_forbidden
    # A pair with a clearly different name, trade or site number is never tolerated.
    tolerated = (prob >= rules.group) & (scored.worst > HARD_NEGATIVE) & ~is_forbidden
    order = np.lexsort((pb, pa, -scored.total, ~(det | is_forced)))
    group = complete_linkage(pa, pb, ok, order, tolerated)
    steps()
    in_group = np.array(
        [
            group.get(x, -1) == group.get(y, -2)
            for x, y in zip(pa.tolist(), pb.tolist(), strict=True)
        ],
        dtype=bool,
    )
    # Every pair inside a group is listed; one only tolerated there goes to review.
    kept = np.flatnonzero(in_group & (ok | tolerated))
    if len(kept) == 0:
        steps.finish()
        return pl.DataFrame(schema=DEDUPE_SCHEMA)
    ida, idb = ids.gather(pa[kept]), ids.gather(pb[kept])
    swap = (ida > idb).to_numpy()
    auto = det[kept] | is_forced[kept] | ((prob[kept] >= rules.auto) & ~scored.review_only[kept])
    # A and B automatic, A and C automatic: B and C are one customer too, whatever
    # their own score (two copies corrupted differently); review only what does not follow.
    implied = _joined_by(pa[kept], pb[kept], auto) & ~auto
    auto = auto | implied
    expl = explanations(scored, kept, rules)
    expl = pl.Series(
        [
            [*(["a reviewer confirmed this pair"] if f else []),
             *(["follows from the group's automatic pairs"] if j else []), *e]
            for e, f, j in zip(
                expl.to_list(), is_forced[kept].tolist(), implied.tolist(), strict=True
            )
        ],
        dtype=pl.List(pl.String),
    )  # fmt: skip
    out = pl.DataFrame(
        {
            "id_a": np.where(swap, idb.to_numpy(), ida.to_numpy()),
            "id_b": np.where(swap, ida.to_numpy(), idb.to_numpy()),
            "score": np.where(det[kept] | is_forced[kept], 1.0, np.round(prob[kept], 6)),
            "decision": np.where(auto, "auto", "review"),
            "group_rep": np.array([group[int(x)] for x in pa[kept].tolist()], dtype=np.int64),
            "explanation": expl,
        }
    )
    out = out.with_columns(
        pl.min_horizontal("id_a", "id_b").min().over("group_rep").alias("group_id")
    )
    steps.finish()
    out = out.select(DEDUPE_SCHEMA.keys()).sort("group_id", "id_a", "id_b")
    return out.cast(pl.Schema(DEDUPE_SCHEMA))


def _joined_by(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], edges: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Per pair: whether its two records are connected through the ``edges`` pairs."""
    root = components(a[edges], b[edges])
    return np.array(
        [root.get(x, -1) == root.get(y, -2) for x, y in zip(a.tolist(), b.tolist(), strict=True)],
        dtype=bool,
    )


def _decided_rows(
    pairs: pl.DataFrame, ids: pl.Series
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Reviewer pairs as (smaller row, larger row) arrays, for ids present in ``ids``."""
    if pairs.height == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    rows = pl.DataFrame({"id": ids}).with_row_index("row")
    named = (
        pairs.join(rows, left_on="id_a", right_on="id", how="inner")
        .rename({"row": "ra"})
        .join(rows, left_on="id_b", right_on="id", how="inner")
        .rename({"row": "rb"})
    )
    ra = named["ra"].cast(pl.Int64).to_numpy()
    rb = named["rb"].cast(pl.Int64).to_numpy()
    return np.minimum(ra, rb), np.maximum(ra, rb)


def _component_pairs(
    comp: dict[int, int],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    forced: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """All pairs inside components up to FULL_COMPARE_LIMIT, plus the given pairs."""
    frame = pl.DataFrame(
        {"row": list(comp.keys()), "comp": list(comp.values())},
        schema={"row": pl.Int64, "comp": pl.Int64},
    )
    sizes = frame.group_by("comp").len()
    small = frame.join(sizes.filter(pl.col("len") <= FULL_COMPARE_LIMIT), on="comp", how="semi")
    full = small.join(small, on="comp", suffix="_b").filter(pl.col("row") < pl.col("row_b"))
    given = pl.DataFrame(
        {"row": np.concatenate([a, forced[0]]), "row_b": np.concatenate([b, forced[1]])},
        schema={"row": pl.Int64, "row_b": pl.Int64},
    )
    pairs = pl.concat([full.select("row", "row_b"), given]).unique().sort("row", "row_b")
    return pairs["row"].to_numpy(), pairs["row_b"].to_numpy()
