"""The Rules page's data: the rules in effect, and a try-out of thresholds on a snapshot.

The try-out runs the matching engine on the source and target frames saved with
a batch (its snapshot), then shows how the pairs would split at any threshold:
``auto`` (linked without review), ``review`` (proposed to a person) or dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from pixissync.apply import PARENT_ENTITY
from pixissync.flows import Flow
from pixissync.matching import RuleSet, link
from pixissync.plan import translate_parents
from pixissync.store import Store
from pixissync.store import schema as t

P = t.proposals


def _scorers(level: Any) -> str | None:
    # ``scorers`` (best of several) in current rule files; ``scorer`` in older ones.
    names = getattr(level, "scorers", None) or (getattr(level, "scorer", None),)
    return ", ".join(str(n) for n in names if n) or None


def comparisons_table(rules: RuleSet) -> pl.DataFrame:
    """One row a comparison level, strictest first: what fires and what it is worth."""
    rows = [
        {
            "comparison": c.name,
            "order": n,
            "test": level.kind,
            "field": level.field or c.field,
            "scorer": _scorers(level),
            "minimum": level.minimum,
            "weight": level.weight,
            "label": level.label,
        }
        for c in rules.comparisons
        for n, level in enumerate(c.levels, start=1)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "comparison": pl.String,
            "order": pl.Int64,
            "test": pl.String,
            "field": pl.String,
            "scorer": pl.String,
            "minimum": pl.Float64,
            "weight": pl.Float64,
            "label": pl.String,
        },
    )


def fields_table(rules: RuleSet) -> pl.DataFrame:
    """Derived fields: which columns they read and the normalisers applied."""
    return pl.DataFrame(
        [
            {"field": f.name, "from": ", ".join(f.columns), "normalize": " → ".join(f.normalize)}
            for f in rules.fields
        ],
        schema={"field": pl.String, "from": pl.String, "normalize": pl.String},
    )


def snapshot_frames(snapshot: str | Path, flow: Flow) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The source and target frames of ``flow`` saved in a snapshot, if both are there."""
    folder = Path(snapshot)
    left = folder / flow.source / f"{flow.entity}.parquet"
    right = folder / flow.target / f"{flow.entity}.parquet"
    if not left.is_file() or not right.is_file():
        return None
    return pl.read_parquet(left), pl.read_parquet(right)


def parent_links(store: Store, flow: Flow, flows: Mapping[str, Flow]) -> dict[str, pl.DataFrame]:
    """Each parent key's links as the sync saw them: xrefs plus the parent batch's pairings.

    A first sync matches children under parents that are only proposed to be
    linked (``known``/``auto`` pairings of the parent flow's latest batch), so the
    try-out does the same; rejected pairings are left out.
    """
    out: dict[str, pl.DataFrame] = {}
    for column, parent_flow in flow.parents.items():
        entity = PARENT_ENTITY.get(column)
        if entity is None:
            continue
        frames = [
            store.xrefs(entity, flow.source, flow.target),
            store.xrefs(entity, flow.target, flow.source).select(
                pl.col("target_id").alias("source_id"), pl.col("source_id").alias("target_id")
            ),
        ]
        parent = flows.get(parent_flow)
        batch = next(iter(store.batches(flow=parent_flow)), None) if parent else None
        if parent is not None and batch is not None:
            frames.append(_pairings(store, batch.id, reverse=parent.source != flow.source))
        out[column] = pl.concat(frames).unique("source_id", keep="first", maintain_order=True)
    return out


def _pairings(store: Store, batch_id: int, *, reverse: bool) -> pl.DataFrame:
    query = sa.select(P.c.source_id, P.c.target_id).where(
        P.c.batch_id == batch_id,
        P.c.action.in_(["link", "update"]),
        P.c.decision.in_(["known", "auto"]),
        P.c.status != "rejected",
        P.c.target_id.is_not(None),
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    left, right = ("target_id", "source_id") if reverse else ("source_id", "target_id")
    return pl.DataFrame(
        {left: [r[0] for r in rows], right: [r[1] for r in rows]},
        schema={left: pl.String, right: pl.String},
    ).select("source_id", "target_id")


def tryout(
    store: Store,
    flow: Flow,
    rules: RuleSet,
    snapshot: str | Path,
    flows: Mapping[str, Flow] | None = None,
) -> pl.DataFrame | None:
    """Pairs the rules find on the snapshot, matched the way the sync matches.

    Parent keys are translated through the parents' links, and known links and
    reviewers' decisions are honoured.

    Returns:
        ``left_id, right_id, score, decision, explanation`` or None without a snapshot.
    """
    frames = snapshot_frames(snapshot, flow)
    if frames is None:
        return None
    left, right = frames
    parents = parent_links(store, flow, flows or {})
    left = translate_parents(left, parents).drop([f"{c}__source" for c in parents], strict=False)
    known = store.xrefs(flow.entity, flow.source, flow.target).rename(
        {"source_id": "left_id", "target_id": "right_id"}
    )
    decisions = store.decisions(flow.entity, flow.source, flow.target)
    return link(left, right, rules, known_links=known, decisions=decisions)


def threshold_counts(pairs: pl.DataFrame, thresholds: Sequence[float]) -> pl.DataFrame:
    """How many scored pairs reach each threshold."""
    scores = pairs["score"].drop_nulls()
    return pl.DataFrame(
        {
            "threshold": list(thresholds),
            "pairs_at_or_above": [int((scores >= t).sum()) for t in thresholds],
        },
        schema={"threshold": pl.Float64, "pairs_at_or_above": pl.Int64},
    )


def split(pairs: pl.DataFrame, auto: float, review: float) -> dict[str, int]:
    """Pairs that would be linked automatically, sent to review, or dropped."""
    score = pl.col("score")
    counts = pairs.select(
        (score >= auto).sum().alias("auto"),
        ((score >= review) & (score < auto)).sum().alias("review"),
        (score < review).sum().alias("dropped"),
    ).row(0, named=True)
    return {k: int(v or 0) for k, v in counts.items()}


def either_side(pairs: pl.DataFrame, threshold: float, n: int = 5) -> pl.DataFrame:
    """The ``n`` pairs just above and the ``n`` just below ``threshold``, with reasons."""
    scored = pairs.filter(pl.col("score").is_not_null())
    above = scored.filter(pl.col("score") >= threshold).sort("score").head(n)
    below = scored.filter(pl.col("score") < threshold).sort("score", descending=True).head(n)
    out = pl.concat(
        [
            above.with_columns(pl.lit("at or above").alias("side")),
            below.with_columns(pl.lit("below").alias("side")),
        ]
    )
    if "explanation" in out.columns and isinstance(out.schema["explanation"], pl.List):
        out = out.with_columns(pl.col("explanation").cast(pl.List(pl.String)).list.join(" · "))
    return out.select(
        "side", "score", "left_id", "right_id", pl.exclude("side", "score", "left_id", "right_id")
    )


def score_bands(pairs: pl.DataFrame, bins: int = 20) -> pl.DataFrame:
    """Pairs counted per score band of width ``1/bins`` (for a histogram)."""
    band = (pl.col("score") * bins).floor().clip(0, bins - 1).cast(pl.Int64)
    counts = pairs.filter(pl.col("score").is_not_null()).group_by(band.alias("band")).len()
    full = pl.DataFrame({"band": list(range(bins))}, schema={"band": pl.Int64})
    return full.join(counts, on="band", how="left").select(
        (pl.col("band") / bins).round(3).alias("score_from"),
        pl.col("len").fill_null(0).cast(pl.Int64).alias("pairs"),
    )
