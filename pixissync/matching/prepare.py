"""Turn input frames into the derived fields a rule set compares, and block them."""

from __future__ import annotations

import polars as pl

from pixissync.errors import InputError
from pixissync.matching import normalize
from pixissync.matching.rules import Field, RuleSet
from pixissync.model import ENTITIES

ROW = "__row"
ID = "__id"


def _source_expr(field: Field) -> pl.Expr:
    """The raw value of a field: one column, or several joined by a space."""
    if len(field.columns) == 1:
        expr = pl.col(field.columns[0])
        if field.normalize and field.normalize[0] in normalize.TYPED:
            return expr
        expr = expr.cast(pl.String).str.strip_chars()
    else:
        parts = [pl.col(c).cast(pl.String).fill_null("") for c in field.columns]
        expr = pl.concat_str(parts, separator=" ").str.strip_chars()
    return expr.replace("", None)


def _derive(base: pl.DataFrame, fields: tuple[Field, ...]) -> pl.DataFrame:
    """Add every derived field, one normaliser step at a time.

    Returns only the derived fields, in declaration order. Each step is
    materialised and shared: ``name_core`` = company_name then drop_legal_form
    reuses the ``company_name`` column other fields computed, and no step's
    input expression is evaluated twice.
    """
    done: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    final: dict[str, str] = {}
    frame = base
    for field in fields:
        steps = field.normalize
        k = len(steps)
        while k > 0 and (field.columns, steps[:k]) not in done:
            k -= 1
        if k:
            current = done[(field.columns, steps[:k])]
        else:
            current = f"__{field.name}__0"
            frame = frame.with_columns(_source_expr(field).alias(current))
        for i in range(k, len(steps)):
            name = f"__{field.name}__{i + 1}"
            frame = frame.with_columns(normalize.resolve(steps[i])(pl.col(current)).alias(name))
            done[(field.columns, steps[: i + 1])] = current = name
        # Kept under its working name: a field may share a source column's name.
        final[field.name] = current
    return frame.select(*(pl.col(col).alias(name) for name, col in final.items()))


def check_ids(frame: pl.DataFrame, rules: RuleSet, what: str) -> None:
    """Raise :class:`InputError` if the id column is missing, empty or repeated."""
    column = rules.id_column
    if column not in frame.columns:
        raise InputError(f"missing id column {column!r}", file=what, column=column)
    ids = frame[column].cast(pl.String)
    blank = ids.is_null() | (ids.str.strip_chars() == "")
    if blank.any():
        row = int(blank.arg_true()[0]) + 1
        raise InputError("the id is empty", file=what, row=row, column=column)
    repeated = ids.is_duplicated()
    if repeated.any():
        row = int(repeated.arg_true()[1]) + 1 if repeated.sum() > 1 else 1
        value = ids.filter(repeated)[0]
        raise InputError(
            f"the id {value!r} appears more than once", file=what, row=row, column=column
        )


def prepare(frame: pl.DataFrame, rules: RuleSet) -> pl.DataFrame:
    """The id (as ``__id``) and every derived field, one row per input row.

    Missing optional columns count as empty: they are added as nulls of the
    canonical type.
    """
    canonical = ENTITIES[rules.entity].columns
    needed = {c for f in rules.fields for c in f.columns}
    missing = [
        pl.lit(None, dtype=canonical[c]).alias(c) for c in sorted(needed) if c not in frame.columns
    ]
    base = frame.with_columns(missing) if missing else frame
    ids = base.select(pl.col(rules.id_column).cast(pl.String).alias(ID))
    out = pl.concat([ids, _derive(base, rules.fields)], how="horizontal")
    # Rows in id order: ties are then broken the same way whatever the input order.
    return out.sort(ID).with_row_index(ROW)


def _key_pairs(
    left: pl.DataFrame, right: pl.DataFrame | None, keys: list[str], cap: int
) -> pl.DataFrame:
    """Candidate (left row, right row) pairs sharing every key; giant blocks are skipped.

    A block of n x m rows costs n*m comparisons; blocks over ``cap`` pairs are
    dropped (other keys still catch their true pairs) so cost stays linear.
    With ``right`` None it pairs ``left`` with itself, each pair once.
    """
    lk = left.select(ROW, *keys).drop_nulls(keys)
    if right is None:
        counts = lk.group_by(keys).len()
        small = counts.filter(
            (pl.col("len") > 1) & (pl.col("len") * (pl.col("len") - 1) // 2 <= cap)
        ).drop("len")
        lk = lk.join(small, on=keys, how="semi")
        joined = lk.join(lk, on=keys, suffix="_r")
        return joined.filter(pl.col(ROW) < pl.col(f"{ROW}_r")).select(
            pl.col(ROW).alias("li"), pl.col(f"{ROW}_r").alias("ri")
        )
    rk = right.select(ROW, *keys).drop_nulls(keys)
    lc = lk.group_by(keys).len()
    rc = rk.group_by(keys).len().rename({"len": "len_r"})
    small = lc.join(rc, on=keys).filter(pl.col("len") * pl.col("len_r") <= cap).select(keys)
    lk = lk.join(small, on=keys, how="semi")
    return lk.join(rk, on=keys, suffix="_r").select(
        pl.col(ROW).alias("li"), pl.col(f"{ROW}_r").alias("ri")
    )


def block(left: pl.DataFrame, right: pl.DataFrame | None, rules: RuleSet) -> list[pl.DataFrame]:
    """One frame of candidate pairs per blocking key and per deterministic rule."""
    out = [_key_pairs(left, right, list(key), rules.max_block_pairs) for key in rules.blocking]
    for rule in rules.deterministic:
        if right is None:
            if any(a != b for a, b in rule.pairs):
                continue
            out.append(_key_pairs(left, None, [a for a, _ in rule.pairs], rules.max_block_pairs))
            continue
        lk = left.select(ROW, *[pl.col(a).alias(f"k{i}") for i, (a, _) in enumerate(rule.pairs)])
        rk = right.select(ROW, *[pl.col(b).alias(f"k{i}") for i, (_, b) in enumerate(rule.pairs)])
        keys = [f"k{i}" for i in range(len(rule.pairs))]
        # Deterministic keys are strong: a higher cap, only absurd blocks are skipped.
        out.append(_key_pairs(lk, rk, keys, rules.max_block_pairs * 20))
    return out
