"""Plan: turn matched pairs and unmatched rows into proposals.

* a pair already linked (xref) whose mapped fields differ → ``update`` with a
  field-level diff (only mapped fields that differ);
* a pair found by the rules and not yet linked → ``link`` (auto or review), with
  the same diff shown so the reviewer sees what applying it would change;
* a source row with no counterpart → ``create``;
* anything the target cannot take as it is (a posted invoice that differs, time
  for an unknown employee or cost code, a closed period) → ``exception``.

Children name their parents in ``parents`` (foreign-key column → source id).
A parent that is not linked yet is noted as a non-blocking ``blocked_by``
finding; apply resolves parents through the xref table when it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from pixissync.connectors.base import source_reference
from pixissync.flows import Flow
from pixissync.model import spec
from pixissync.preflight import TargetFacts, run_checks
from pixissync.proposal import Preflight, Proposal, idempotency_key

LINK_COLUMNS = {"source_id": pl.String, "target_id": pl.String}


@dataclass
class PlanInput:
    """Everything the planner needs for one flow, all as frames."""

    flow: Flow
    source: pl.DataFrame
    target: pl.DataFrame
    pairs: pl.DataFrame
    xref: pl.DataFrame
    parent_links: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    children: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    facts: TargetFacts = field(default_factory=TargetFacts)
    parent_exceptions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Foreign-key column → parent source id → why that parent cannot be written."""


def translate_parents(
    frame: pl.DataFrame, parent_links: Mapping[str, pl.DataFrame]
) -> pl.DataFrame:
    """Replace each foreign key by the other side's id where the parent is linked.

    The source's own key is kept as ``<column>__source``; an unlinked parent
    leaves the column null, so matching cannot pair on a guess.
    """
    out = frame
    for column, links in parent_links.items():
        if column not in out.columns:
            continue
        mapping = links.select(
            pl.col("source_id").alias(column), pl.col("target_id").alias("__target")
        ).unique(column, keep="first")
        out = (
            out.rename({column: f"{column}__source"})
            .join(mapping, left_on=f"{column}__source", right_on=column, how="left")
            .rename({"__target": column})
        )
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return value


def _same(a: Any, b: Any) -> bool:
    a, b = _clean(a), _clean(b)
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold() if a.upper() == a or b.upper() == b else a == b
    return bool(a == b)


def _diff(
    flow: Flow, source_row: Mapping[str, Any], target_row: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for name in flow.fields:
        if name in flow.identity:
            continue
        if name in flow.parents and source_row.get(name) is None:
            continue  # parent not linked yet: nothing to compare against
        new, old = source_row.get(name), target_row.get(name)
        if not _same(new, old):
            changes[name] = {"old": old, "new": _clean(new)}
    return changes


def _label(row: Mapping[str, Any], entity: str) -> str:
    for name in ("name", "invoice_number", "job_number", "reference"):
        if row.get(name):
            return str(row[name])
    if entity == "time_entry":
        return f"{row.get('employee_id')} {row.get('work_date')} {row.get('job_number') or ''}"
    return str(row.get(spec(entity).id_column))


def _money(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)


def plan(inp: PlanInput) -> list[Proposal]:
    """Build the proposals of one flow from its frames and matched pairs."""
    flow, entity = inp.flow, inp.flow.entity
    id_col = spec(entity).id_column
    source = translate_parents(inp.source, inp.parent_links)
    src_rows = {row[id_col]: row for row in source.iter_rows(named=True)}
    tgt_rows = {row[id_col]: row for row in inp.target.iter_rows(named=True)}
    proposals: list[Proposal] = []

    paired_sources: set[str] = set()
    for pair in inp.pairs.iter_rows(named=True):
        s_id, t_id = pair["left_id"], pair["right_id"]
        if s_id not in src_rows or t_id not in tgt_rows:
            continue
        paired_sources.add(s_id)
        proposal = _pair_proposal(inp, src_rows[s_id], tgt_rows[t_id], pair)
        if proposal is not None:
            proposals.append(proposal)

    linked = dict(zip(inp.xref["source_id"], inp.xref["target_id"], strict=True))
    children = _index_children(inp)
    for s_id, row in src_rows.items():
        if s_id in paired_sources:
            continue
        if s_id in linked:
            proposals.append(_missing_target(flow, row, linked[s_id]))
            continue
        proposals.append(_create(inp, row, children))
    return proposals


def _pair_proposal(
    inp: PlanInput, src: Mapping[str, Any], tgt: Mapping[str, Any], pair: Mapping[str, Any]
) -> Proposal | None:
    flow, entity = inp.flow, inp.flow.entity
    id_col = spec(entity).id_column
    s_id, t_id = src[id_col], tgt[id_col]
    diff = _diff(flow, src, tgt) if flow.updates else {}
    decision = str(pair["decision"])
    explanation = list(pair.get("explanation") or [])
    score = pair.get("score")
    known = decision == "known"
    if known and not diff:
        return None
    action: str = "update" if known else "link"
    preflight: list[Preflight] = []
    if diff and "posted_invoice" in flow.preflight and _is_posted(tgt):
        message = (
            f"invoice {tgt.get('invoice_number')} is posted in {flow.target} and cannot be "
            f"edited ({', '.join(diff)} differ); issue a credit memo or adjust it there"
        )
        preflight.append(Preflight("posted_invoice", next(iter(diff)), message, blocking=known))
        if known:
            action = "exception"
        else:
            diff = {}  # linking records the pair only; the difference stays an exception
    values = {name: change["new"] for name, change in diff.items()} if action != "exception" else {}
    if values and not inp.facts.writable:
        values = {}
        note = f"{inp.facts.target_name} does not take {entity} writes from PixisSync"
        preflight.append(Preflight("not_writable", None, f"{note}; change it there", known))
        if known:
            action = "exception"
    summary = (
        f"{'Update' if action == 'update' else action.capitalize()} {entity} "
        f"{_label(tgt, entity)!r}"
        + (f": {', '.join(diff)}" if diff else "")
        + ("" if known else f" ← {inp.flow.source} {s_id} {_label(src, entity)!r}")
    )
    return Proposal(
        flow=flow.name,
        entity=entity,
        action=action,  # type: ignore[arg-type]
        source_system=flow.source,
        source_id=str(s_id),
        target_system=flow.target,
        target_id=str(t_id),
        reference=source_reference(flow.source, entity, str(s_id)),
        idempotency_key=idempotency_key(flow.name, action, s_id, t_id, values),
        values=values,
        diff=diff,
        score=float(score) if score is not None else None,
        decision=decision,
        explanation=explanation,
        parents=_parents(flow, src),
        preflight=preflight,
        summary=summary,
    )


def _is_posted(row: Mapping[str, Any]) -> bool:
    return str(row.get("status") or "").lower() in {"posted", "paid", "closed"}


def _parents(flow: Flow, row: Mapping[str, Any]) -> dict[str, str]:
    parents = {}
    for column in flow.parents:
        original = row.get(f"{column}__source", row.get(column))
        if original is not None:
            parents[column] = str(original)
    return parents


def _missing_target(flow: Flow, row: Mapping[str, Any], target_id: str) -> Proposal:
    s_id = str(row[spec(flow.entity).id_column])
    return Proposal(
        flow=flow.name,
        entity=flow.entity,
        action="exception",
        source_system=flow.source,
        source_id=s_id,
        target_system=flow.target,
        target_id=target_id,
        reference=source_reference(flow.source, flow.entity, s_id),
        idempotency_key=idempotency_key(flow.name, "missing_target", s_id, target_id),
        preflight=[
            Preflight(
                "linked_record_missing",
                None,
                f"linked {flow.target} record {target_id} is no longer in the target "
                "(deleted or merged there?); relink or unlink it",
            )
        ],
        summary=f"Linked {flow.entity} {target_id} missing in {flow.target}",
    )


def _create(
    inp: PlanInput,
    row: Mapping[str, Any],
    children: Mapping[str, Mapping[str, list[dict[str, Any]]]],
) -> Proposal:
    flow, entity = inp.flow, inp.flow.entity
    s_id = str(row[spec(entity).id_column])
    values: dict[str, Any] = {name: _clean(row.get(name)) for name in flow.fields}
    parents = _parents(flow, row)
    for column in flow.parents:
        values[column] = parents.get(column)
    for name in ("approved", "status"):
        if name in row and name not in values:
            values[name] = row[name]
    for name, grouped in children.items():
        values[name] = grouped.get(s_id, [])
    preflight = run_checks(flow.preflight, entity, values, inp.facts)
    if not inp.facts.writable:
        preflight.append(
            Preflight(
                "not_writable",
                None,
                f"{inp.facts.target_name} does not take {entity} writes from PixisSync; "
                "key it in there, and the next sync links it",
            )
        )
    for column, parent_flow in flow.parents.items():
        why = inp.parent_exceptions.get(column, {}).get(parents.get(column) or "")
        if why and row.get(column) is None:
            preflight.append(
                Preflight(
                    "parent_exception",
                    column,
                    f"{column.removesuffix('_id')} {parents[column]} cannot be written to "
                    f"{flow.target} until this is resolved: {why}",
                )
            )
        elif parents.get(column) is not None and row.get(column) is None:
            preflight.append(
                Preflight(
                    "blocked_by",
                    column,
                    f"waits for {column.removesuffix('_id')} {parents[column]} to be created "
                    f"or linked in {flow.target} ({parent_flow} flow)",
                    blocking=False,
                )
            )
    blocking = [p for p in preflight if p.blocking]
    action = "exception" if blocking else "create"
    label = _label(row, entity)
    amount = row.get("total", row.get("amount"))
    summary = (
        f"Create {entity} {label!r} in {flow.target}"
        + (f" ({_money(amount)})" if amount is not None else "")
        if not blocking
        else f"Cannot create {entity} {label!r}: {blocking[0].message}"
    )
    return Proposal(
        flow=flow.name,
        entity=entity,
        action=action,  # type: ignore[arg-type]
        source_system=flow.source,
        source_id=s_id,
        target_system=flow.target,
        reference=source_reference(flow.source, entity, s_id),
        idempotency_key=idempotency_key(flow.name, action, s_id, values),
        values=values,
        parents=parents,
        preflight=preflight,
        summary=summary,
    )


def _index_children(inp: PlanInput) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Invoice lines and payment applications, grouped once by their parent's id."""
    index: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, frame in inp.children.items():
        key = "invoice_id" if name == "lines" else "payment_id"
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in frame.iter_rows(named=True):
            parent = row.pop(key)
            grouped.setdefault(str(parent), []).append(row)
        index[name] = grouped
    return index


__all__ = ["LINK_COLUMNS", "PlanInput", "plan", "translate_parents"]
