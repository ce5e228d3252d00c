"""One sync run per flow: pull → validate → match → plan → batch (→ auto-approve).

Flows run in dependency order (customers, jobs, invoices, time, payments). A
child flow matches on its parents' links: the xref table plus the pairs the
rules found earlier in the same run, so a first sync pairs jobs under customers
that are about to be linked. Creates still wait for the parent's xref at apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from pixissync.flows import Flow, resolve
from pixissync.matching import link, load_rules, rules_path
from pixissync.plan import PlanInput, plan, translate_parents
from pixissync.preflight import TargetFacts
from pixissync.proposal import Proposal
from pixissync.snapshot import Snapshot

if TYPE_CHECKING:
    from pixissync.home import Home

Progress = Callable[[str], None]
_LINKS_SCHEMA = pl.Schema({"source_id": pl.String(), "target_id": pl.String()})
_PARENT_ENTITY = {
    "customer_id": "customer",
    "job_id": "job",
    "invoice_id": "invoice",
    "employee_id": "employee",
}


@dataclass
class FlowResult:
    """What one flow's run produced, for the CLI summary and ``--json``."""

    flow: str
    run_id: int
    batch_id: int | None
    counts: dict[str, int]
    quarantined: pl.DataFrame
    seconds: float
    auto_approved: int = 0
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "run_id": self.run_id,
            "batch_id": self.batch_id,
            "counts": self.counts,
            "auto_approved": self.auto_approved,
            "quarantined": self.quarantined.height,
            "seconds": round(self.seconds, 3),
            "message": self.message,
        }


@dataclass
class _RunState:
    snapshot: Snapshot
    provisional: dict[tuple[str, str, str], pl.DataFrame] = field(default_factory=dict)
    exceptions: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def sync(
    home: Home,
    flows: str | list[str] = "all",
    *,
    trigger: str = "cli",
    progress: Progress | None = None,
) -> list[FlowResult]:
    """Run the named flows (or ``"all"``) and save one batch per flow."""
    say = progress or (lambda _msg: None)
    state = _RunState(Snapshot.start(home.snapshots))
    results = []
    for flow in resolve(flows, home.flows):
        say(f"{flow.name}: pulling {flow.entity} from {flow.source} and {flow.target}")
        results.append(_sync_flow(home, flow, state, trigger, say))
    return results


def _links(home: Home, entity: str, source: str, target: str) -> pl.DataFrame:
    """Known links source→target for an entity, from the xref table in either direction."""
    store = home.store
    forward = store.xrefs(entity, source, target).select(list(_LINKS_SCHEMA))
    backward = store.xrefs(entity, target, source).select(
        pl.col("target_id").alias("source_id"), pl.col("source_id").alias("target_id")
    )
    return pl.concat([forward, backward]).cast(_LINKS_SCHEMA).unique("source_id", keep="first")


def _parent_links(home: Home, flow: Flow, state: _RunState) -> dict[str, pl.DataFrame]:
    out = {}
    for column in flow.parents:
        entity = _PARENT_ENTITY[column]
        known = _links(home, entity, flow.source, flow.target)
        pending = state.provisional.get((entity, flow.source, flow.target))
        backward = state.provisional.get((entity, flow.target, flow.source))
        if backward is not None:
            reversed_pairs = backward.select(
                pl.col("target_id").alias("source_id"), pl.col("source_id").alias("target_id")
            )
            pending = reversed_pairs if pending is None else pl.concat([pending, reversed_pairs])
        if pending is not None:
            known = pl.concat([known, pending]).unique("source_id", keep="first")
        out[column] = known
    return out


def _target_facts(home: Home, flow: Flow, state: _RunState) -> TargetFacts:
    connector = home.connector(flow.target)
    limits = getattr(connector, "field_limits", {})
    closed: frozenset[tuple[int, int]] = frozenset()
    closed_periods = getattr(connector, "closed_periods", None)
    if callable(closed_periods):
        closed = frozenset(closed_periods())
    employees = cost_codes = None
    if "known_employee" in flow.preflight and "employee" in connector.pulls:
        frame = state.snapshot.get(flow.target, connector, "employee")
        employees = frozenset(frame["employee_id"].to_list())
    if "known_cost_code" in flow.preflight and "cost_code" in connector.pulls:
        frame = state.snapshot.get(flow.target, connector, "cost_code")
        cost_codes = frozenset(frame["cost_code"].to_list())
    return TargetFacts(
        limits,
        closed,
        employees,
        cost_codes,
        writable=flow.entity in connector.pushes,
        target_name=f"{flow.target} ({getattr(connector, 'name', type(connector).__name__)})",
    )


def _children(home: Home, flow: Flow, state: _RunState) -> dict[str, pl.DataFrame]:
    source = home.connector(flow.source)
    if flow.entity == "invoice":
        return {"lines": state.snapshot.get(flow.source, source, "invoice_line")}
    if flow.entity == "payment":
        applications = state.snapshot.get(flow.source, source, "payment_application")
        invoices = _links(home, "invoice", flow.source, flow.target)
        translated = translate_parents(applications, {"invoice_id": invoices})
        return {
            "applications": translated.select(
                "payment_id",
                "invoice_id",
                pl.col("invoice_id__source").alias("source_invoice_id"),
                "amount",
            )
        }
    return {}


def _sync_flow(home: Home, flow: Flow, state: _RunState, trigger: str, say: Progress) -> FlowResult:
    started = time.perf_counter()
    store = home.store
    run_id = store.start_run(flow.name, trigger)
    try:
        source = state.snapshot.get(flow.source, home.connector(flow.source), flow.entity)
        target = state.snapshot.get(flow.target, home.connector(flow.target), flow.entity)
        xref = _links(home, flow.entity, flow.source, flow.target)
        parents = _parent_links(home, flow, state)
        rules = load_rules(rules_path(flow.rules))
        say(f"{flow.name}: matching {source.height:,} × {target.height:,} records")
        pairs = link(
            translate_parents(source, parents).drop(
                [f"{c}__source" for c in parents], strict=False
            ),
            target,
            rules,
            known_links=xref.rename({"source_id": "left_id", "target_id": "right_id"}),
            decisions=_decisions(home, flow),
        )
        state.provisional[(flow.entity, flow.source, flow.target)] = pairs.filter(
            pl.col("decision").is_in(["known", "auto"])
        ).select(pl.col("left_id").alias("source_id"), pl.col("right_id").alias("target_id"))
        proposals = plan(
            PlanInput(
                flow=flow,
                source=source,
                target=target,
                pairs=pairs,
                xref=xref,
                parent_links=parents,
                children=_children(home, flow, state),
                facts=_target_facts(home, flow, state),
                parent_exceptions={
                    column: state.exceptions.get((_PARENT_ENTITY[column], flow.source), {})
                    for column in flow.parents
                },
            )
        )
        state.exceptions[(flow.entity, flow.source)] = {
            p.source_id: next((f.message for f in p.preflight if f.blocking), p.summary)
            for p in proposals
            if p.action == "exception" and p.target_id is None
        }
        auto = _auto_approve(flow, proposals)
        store.supersede_pending(flow.name)
        batch_id = store.save_batch(
            run_id, flow.name, proposals, snapshot=str(state.snapshot.folder)
        )
        if auto:
            store.audit(
                actor=f"policy:{flow.auto_approve}",
                action="auto_approve",
                batch_id=batch_id,
                message=f"{auto} proposals approved by the {flow.name} flow's policy",
            )
        counts = _counts(proposals)
        quarantined = pl.concat(
            [
                state.snapshot.quarantined(flow.source, flow.entity),
                state.snapshot.quarantined(flow.target, flow.entity),
            ]
        )
        counts["quarantined"] = quarantined.height
        store.finish_run(run_id, "ok", counts)
        say(f"{flow.name}: batch {batch_id}: {_describe(counts)}")
        return FlowResult(
            flow.name, run_id, batch_id, counts, quarantined, time.perf_counter() - started, auto
        )
    except Exception as exc:
        store.finish_run(run_id, "failed", {}, message=str(exc))
        raise


def _decisions(home: Home, flow: Flow) -> pl.DataFrame:
    frame = home.store.decisions(flow.entity, flow.source, flow.target)
    return frame.select("left_id", "right_id", "decision")


def _auto_approve(flow: Flow, proposals: list[Proposal]) -> int:
    """Apply the flow's policy (see ``AUTO_APPROVE_POLICIES``); never a create."""
    policy = flow.auto_approve
    approved = 0
    for proposal in proposals:
        if policy == "none" or any(p.blocking for p in proposal.preflight):
            continue
        auto_link = proposal.action == "link" and proposal.decision == "auto"
        if (
            (auto_link and not proposal.values)
            or (policy in ("linked_updates", "safe") and proposal.action == "update")
            or (policy == "safe" and auto_link)
        ):
            proposal.status = "approved"
            approved += 1
    return approved


def _counts(proposals: list[Proposal]) -> dict[str, int]:
    counts = {action: 0 for action in ("create", "update", "link", "exception")}
    for proposal in proposals:
        counts[proposal.action] += 1
        if proposal.action == "link":
            key = f"link_{proposal.decision}"
            counts[key] = counts.get(key, 0) + 1
    return counts


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {k}" for k, n in counts.items() if n)
