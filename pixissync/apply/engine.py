"""Apply: write a batch's approved proposals to their targets, exactly once.

Order of events for one proposal (each step safe to die after):

1. *claim* — status ``applying`` in a short transaction guarded by the version;
2. *look* — for a create, ``connector.find(entity, reference)``: a record that
   already carries our reference is recorded, never written twice;
3. *push* — the connector writes; transient errors are retried with
   exponential backoff and jitter, honouring ``retry_after``;
4. *record* — status ``applied``, the xref and the audit row in one transaction.

A run killed between 3 and 4 leaves the claim; the next run (which holds the
batch's lock, so the claim is an orphan) repeats 2 and finds the record.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pixissync.apply.order import dependency_order
from pixissync.apply.values import typed_values
from pixissync.connectors.base import Change, Connector
from pixissync.errors import ConfigError, PermanentError, PixisSyncError, TransientError
from pixissync.store import Store, StoredProposal, User, lock_owner
from pixissync.store.applying import Outcome

# Proposals claimed and recorded per transaction. A kill loses at most this many
# records of what was written; the next run finds them again by reference.
GROUP: Final = 50

PARENT_ENTITY: Final = {
    "customer_id": "customer",
    "job_id": "job",
    "invoice_id": "invoice",
    "employee_id": "employee",
    "payment_id": "payment",
    "cost_code": "cost_code",
}


class ApplyInProgress(PixisSyncError):
    """Another apply holds the batch (or this one lost its lock)."""


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: ``base * factor**(attempt-1)``, capped, ± ``jitter``."""

    base: float = 0.5
    factor: float = 2.0
    cap: float = 60.0
    jitter: float = 0.25

    def delay(
        self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based).

        A server's ``Retry-After`` wins: it says when trying again can succeed.
        """
        if retry_after is not None and retry_after >= 0:
            return float(retry_after)
        raw = min(self.cap, self.base * self.factor ** (attempt - 1))
        spread = (rng or random.Random()).uniform(-self.jitter, self.jitter)
        return max(0.0, raw * (1 + spread))


@dataclass
class ApplyReport:
    """What one apply did; ``results`` has one line per proposal it touched."""

    batch_id: int
    total: int = 0
    applied: int = 0
    created: int = 0
    found: int = 0
    updated: int = 0
    linked: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    seconds: float = 0.0
    results: list[dict[str, Any]] = field(default_factory=list)

    def note(self, p: StoredProposal, status: str, message: str, target_id: str | None) -> None:
        self.results.append(
            {
                "proposal_id": p.id,
                "entity": p.entity,
                "action": p.action,
                "source_id": p.source_id,
                "status": status,
                "target_id": target_id,
                "message": message,
            }
        )


def apply_batch(
    store: Store,
    batch_id: int,
    connectors: Mapping[str, Connector],
    *,
    user: User,
    max_attempts: int = 5,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int], None] | None = None,
    lock_ttl: int = 300,
    rng: random.Random | None = None,
) -> ApplyReport:
    """Apply the approved proposals of a batch in dependency order; resumable.

    Args:
        store: the state store.
        batch_id: the batch to apply.
        connectors: connectors by system name (``proposal.target_system``).
        user: who applies; must be an admin.
        max_attempts: push attempts per proposal on transient errors in this run.
        backoff: delays between attempts (default :class:`Backoff`).
        sleep: how to wait (tests pass a recorder).
        progress: called with (done, total) after each proposal.
        lock_ttl: seconds the batch lock lasts without renewal.

    Returns:
        counts and per-proposal results.

    Raises:
        PermissionDenied: the user is not an admin.
        ApplyInProgress: another apply holds this batch.
        ConfigError: no connector for a target system the batch writes to.
    """
    user.require("apply")
    store.batch(batch_id)  # NotFound before taking any lock
    owner = lock_owner()
    lock = f"apply:batch:{batch_id}"
    if not store.try_lock_flow(lock, owner, lock_ttl):
        holder = store.flow_lock(lock)
        who = f"{holder[0]} since {holder[1]:%Y-%m-%d %H:%M:%S} UTC" if holder else "another run"
        raise ApplyInProgress(f"batch {batch_id} is being applied by {who}; try again later")
    started = time.perf_counter()
    report = ApplyReport(batch_id)
    try:
        run = _Run(store, batch_id, connectors, user, owner, lock, lock_ttl, report)
        run.max_attempts = max(1, max_attempts)
        run.backoff = backoff or Backoff()
        run.sleep = sleep
        run.rng = rng or random.Random()
        run.go(progress)
        store.set_batch_status(batch_id, _batch_status(store.batch(batch_id).by_status))
        store.audit(
            actor=user.name,
            action="apply.batch",
            batch_id=batch_id,
            after={k: v for k, v in vars(report).items() if isinstance(v, int)},
            message=f"applied {report.applied} of {report.total} proposals",
        )
    finally:
        report.seconds = round(time.perf_counter() - started, 3)
        store.release_flow(lock, owner)
    return report


def _batch_status(by_status: Mapping[str, int]) -> str:
    """``applied`` when nothing is left to decide or write, else ``partly_applied``/``open``."""
    open_ = sum(
        by_status.get(s, 0) for s in ("pending", "approved", "applying", "failed", "blocked")
    )
    if not open_:
        return "applied"
    return "partly_applied" if by_status.get("applied") else "open"


def _is_candidate(p: StoredProposal) -> bool:
    if p.action == "exception":
        return False
    if p.status in ("approved", "applying"):
        return True
    approved = p.approved_by is not None
    return approved and (p.status == "blocked" or (p.status == "failed" and p.retriable))


class _Run:
    """The state of one apply run over one batch."""

    max_attempts: int
    backoff: Backoff
    sleep: Callable[[float], None]
    rng: random.Random

    def __init__(
        self,
        store: Store,
        batch_id: int,
        connectors: Mapping[str, Connector],
        user: User,
        owner: str,
        lock: str,
        lock_ttl: int,
        report: ApplyReport,
    ) -> None:
        self.store, self.batch_id, self.connectors = store, batch_id, connectors
        self.user, self.owner, self.lock, self.lock_ttl = user, owner, lock, lock_ttl
        self.report = report
        self.status: dict[str, str] = {}
        self.by_key: dict[str, StoredProposal] = {}
        self.links: dict[tuple[str, str, str], dict[str, str]] = {}
        self.loaded: set[tuple[str, str, str]] = set()
        self.outcomes: list[Outcome] = []
        self.group = GROUP
        self.renewed = time.monotonic()

    def go(self, progress: Callable[[int, int], None] | None) -> None:
        everything, _ = self.store.proposals(self.batch_id, limit=None)
        self.by_key = {p.idempotency_key: p for p in everything}
        self.status = {p.idempotency_key: p.status for p in everything}
        todo = [p for p in everything if _is_candidate(p)]
        writes = {p.target_system for p in todo if p.action != "link" or p.values}
        missing = sorted(writes - set(self.connectors))
        if missing:
            raise ConfigError(
                f"batch {self.batch_id} writes to {', '.join(missing)} but no connector is "
                f"configured for it; configured: {', '.join(sorted(self.connectors)) or 'none'}"
            )
        ordered, cyclic = dependency_order(todo)
        self.report.total = len(todo)
        for p in cyclic:
            self._block(p, "its dependencies form a cycle; check the batch's parents")
        self._flush()
        done = len(cyclic)
        if progress:
            progress(done, len(todo))
        for start in range(0, len(ordered), self.group):
            group = ordered[start : start + self.group]
            claimed = self.store.claim_many(self._ready(group), self.owner)
            acted: set[int] = set()
            try:
                for p in group:
                    if p.id in claimed:
                        acted.add(p.id)
                        self._one(claimed[p.id])
                    elif not self._settled(p):
                        self.report.skipped += 1
                        self.report.note(p, "skipped", "changed by someone else meanwhile", None)
                    done += 1
                    if progress:
                        progress(done, len(todo))
                    self._heartbeat()
            except (Exception, KeyboardInterrupt):
                # Record what was written before giving up, and give back the claims
                # not acted on; a killed process cannot, and the next run finds those
                # records by reference instead.
                self._flush()
                self.store.unclaim(
                    [p for p in group if p.id in claimed and p.id not in acted], self.owner
                )
                raise
            self._flush()

    def _ready(self, group: list[StoredProposal]) -> list[StoredProposal]:
        """The proposals of a group worth claiming; the others get their outcome now."""
        keys = {p.idempotency_key for p in group}
        ready = []
        for p in group:
            # A parent outside this group has its final status for this run already.
            waiting = self._waiting_on(p, skip=keys)
            if waiting:
                self._block(p, waiting)
            elif p.blocking_preflight:
                reasons = "; ".join(f.message for f in p.blocking_preflight)
                self._fail(p, f"pre-flight: {reasons}", retriable=False, attempts=0)
            else:
                ready.append(p)
        return ready

    def _settled(self, p: StoredProposal) -> bool:
        return any(o.proposal.id == p.id for o in self.outcomes) or self.status.get(
            p.idempotency_key
        ) in ("blocked", "failed")

    def _waiting_on(self, p: StoredProposal, skip: set[str] | None = None) -> str | None:
        for key in p.depends_on:
            parent = self.by_key.get(key)
            if parent is None or key == p.idempotency_key or (skip and key in skip):
                continue
            state = self.status.get(key)
            if state != "applied":
                return (
                    f"waits for parent proposal {parent.id} ({parent.action} {parent.entity} "
                    f"{parent.source_id}), which is {state}"
                )
        return None

    def _heartbeat(self) -> None:
        if time.monotonic() - self.renewed < self.lock_ttl / 3:
            return
        if not self.store.try_lock_flow(self.lock, self.owner, self.lock_ttl):
            raise ApplyInProgress(f"lost the lock on batch {self.batch_id}; stopping")
        self.renewed = time.monotonic()

    # -- one proposal -------------------------------------------------------

    def _one(self, claimed: StoredProposal) -> None:
        waiting = self._waiting_on(claimed)
        if waiting:
            self._block(claimed, waiting)
            return
        if claimed.action == "link":
            if not claimed.target_id:
                self._fail(claimed, "a link needs the target's id", retriable=False, attempts=0)
                return
            if not claimed.values:
                self._record(claimed, claimed.target_id, "linked", attempts=0)
                return
            # A link that shows a diff also brings the target up to date: the reviewer
            # approved the pairing with the changes shown beside it.
        parents: dict[str, str] = {}
        for column, source_id in claimed.parents.items():
            target = self._parent_target(claimed, column, source_id)
            if target is None:
                entity = PARENT_ENTITY.get(column, column.removesuffix("_id"))
                self._block(
                    claimed,
                    f"parent {entity} {source_id} is not in {claimed.target_system} yet "
                    "(apply or link it first)",
                )
                return
            parents[column] = target
        try:
            values = typed_values(claimed.entity, claimed.values)
        except PermanentError as exc:
            self._fail(claimed, str(exc), retriable=False, attempts=0)
            return
        if claimed.action == "update" and not claimed.target_id:
            self._fail(claimed, "an update needs the target's id", retriable=False, attempts=0)
            return
        change = Change(
            entity=claimed.entity,
            action="create" if claimed.action == "create" else "update",
            reference=claimed.reference,
            idempotency_key=claimed.idempotency_key,
            values=values,
            target_id=claimed.target_id,
            parents=parents,
        )
        self._push(claimed, change)

    def _push(self, p: StoredProposal, change: Change) -> None:
        connector = self.connectors[p.target_system]
        if p.entity not in getattr(connector, "pushes", frozenset({p.entity})):
            self._fail(
                p, f"{p.target_system} cannot write {p.entity} records", retriable=False, attempts=0
            )
            return
        attempts = 0
        while True:
            attempts += 1
            try:
                if change.action == "create":
                    # Look before creating: a record carrying our reference was written
                    # by an earlier, interrupted run (or a retry the server did apply).
                    found = connector.find(p.entity, p.reference)
                    if found is not None:
                        target_id, how = found, "found"
                        break
                result = connector.push(change)
                target_id = result.target_id
                how = (
                    "updated"
                    if change.action == "update"
                    else ("created" if result.created else "found")
                )
                break
            except TransientError as exc:
                if attempts >= self.max_attempts:
                    self._fail(
                        p,
                        f"gave up after {attempts} attempts (will retry on the next apply): {exc}",
                        retriable=True,
                        attempts=attempts,
                    )
                    return
                self.sleep(self.backoff.delay(attempts, exc.retry_after, self.rng))
                self._heartbeat()  # long Retry-After waits must not let the lock lapse
            except PermanentError as exc:
                self._fail(p, str(exc), retriable=False, attempts=attempts)
                return
            except Exception as exc:  # a connector bug must not stop the other proposals
                self._fail(
                    p, f"unexpected {type(exc).__name__}: {exc}", retriable=True, attempts=attempts
                )
                return
        self._record(p, target_id, how, attempts)

    # -- outcomes -----------------------------------------------------------

    def _flush(self) -> None:
        if not self.outcomes:
            return
        outcomes, self.outcomes = self.outcomes, []
        for pid in self.store.record_outcomes(outcomes, actor=self.user.name):
            # Someone changed it between our read and now: their change stands.
            self.report.note(self._by_id(outcomes, pid), "skipped", "changed meanwhile", None)
            self.report.skipped += 1

    @staticmethod
    def _by_id(outcomes: list[Outcome], pid: int) -> StoredProposal:
        return next(o.proposal for o in outcomes if o.proposal.id == pid)

    def _record(self, p: StoredProposal, target_id: str, how: str, attempts: int) -> None:
        target_id = str(target_id)
        self.outcomes.append(Outcome(p, "applied", target_id=target_id, how=how, attempts=attempts))
        self.status[p.idempotency_key] = "applied"
        # Children in this run resolve the parent from here (its xref is not flushed yet).
        self.links.setdefault((p.entity, p.source_system, p.target_system), {})[p.source_id] = (
            target_id
        )
        self.report.applied += 1
        setattr(self.report, how, getattr(self.report, how) + 1)
        self.report.note(p, "applied", how, target_id)

    def _fail(self, p: StoredProposal, error: str, *, retriable: bool, attempts: int) -> None:
        self.outcomes.append(
            Outcome(p, "failed", error=error, retriable=retriable, attempts=attempts)
        )
        self.status[p.idempotency_key] = "failed"
        self.report.failed += 1
        self.report.note(p, "failed", error, None)

    def _block(self, p: StoredProposal, reason: str) -> None:
        if not (p.status == "blocked" and p.last_error == reason):  # no news: no audit line
            self.outcomes.append(Outcome(p, "blocked", error=reason, retriable=True))
        self.status[p.idempotency_key] = "blocked"
        self.report.blocked += 1
        self.report.note(p, "blocked", reason, None)

    def _parent_target(self, p: StoredProposal, column: str, source_id: str) -> str | None:
        """The target key of a parent record, from the xrefs (either direction)."""
        entity = PARENT_ENTITY.get(column, column.removesuffix("_id"))
        key = (entity, p.source_system, p.target_system)
        if key not in self.loaded:
            forward = self.store.xrefs(entity, p.source_system, p.target_system)
            backward = self.store.xrefs(entity, p.target_system, p.source_system)
            links = dict(zip(backward["target_id"], backward["source_id"], strict=True))
            links.update(zip(forward["source_id"], forward["target_id"], strict=True))
            links.update(self.links.get(key, {}))  # what this run applied wins
            self.links[key] = links
            self.loaded.add(key)
        return self.links[key].get(str(source_id))
