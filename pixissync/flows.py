"""Flows as data: which entity moves between which two connections, and how.

A flow names its entity, source and target connections, the mapped fields (the
only ones an update may change), the parent links its records depend on, the
rules file, the pre-flight checks, the auto-approve policy and a cron schedule.
The five flows of DESIGN.md are the defaults; a home's ``pixissync.toml`` may
override any attribute under ``[flows.<name>]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from pixissync.errors import ConfigError

AutoApprove = Literal["none", "links", "linked_updates", "safe"]
AUTO_APPROVE_POLICIES: Final = ("none", "links", "linked_updates", "safe")
"""What a flow approves without a person (creates never are):

* ``none`` — nothing;
* ``links`` — pairings the rules decided ``auto`` that write nothing to the target;
* ``linked_updates`` — ``links``, plus updates of records already linked;
* ``safe`` — ``linked_updates``, plus ``auto`` pairings that also update the target.
"""


@dataclass(frozen=True)
class Flow:
    """One sync flow.

    ``parents`` maps a foreign-key column of the entity to the flow that syncs
    the parent (``{"customer_id": "customers"}``): a child is blocked by its
    parent until the parent is linked in the xref table. ``identity`` fields are
    written on create but never updated: a document number that differs by a
    prefix ("ST-10422" vs "10422") is how the two systems name one record.
    """

    name: str
    entity: str
    rules: str
    source: str
    target: str
    fields: tuple[str, ...]
    parents: dict[str, str] = field(default_factory=dict)
    identity: tuple[str, ...] = ()
    preflight: tuple[str, ...] = ()
    updates: bool = True
    auto_approve: AutoApprove = "linked_updates"
    schedule: str = "*/30 * * * *"
    enabled: bool = True

    @property
    def direction(self) -> str:
        return f"{self.source} → {self.target}"


FLOW_ORDER: Final = ("customers", "jobs", "invoices", "time", "payments")

DEFAULT_FLOWS: Final[dict[str, Flow]] = {
    "customers": Flow(
        name="customers",
        entity="customer",
        rules="customers",
        source="field",
        target="erp",
        fields=(
            "name",
            "address1",
            "address2",
            "city",
            "state",
            "postal_code",
            "phone",
            "email",
        ),
        preflight=("field_lengths",),
    ),
    "jobs": Flow(
        name="jobs",
        entity="job",
        rules="jobs",
        source="field",
        target="erp",
        fields=("job_number", "name", "customer_id", "address1", "city", "state", "postal_code"),
        parents={"customer_id": "customers"},
        identity=("job_number",),
        preflight=("field_lengths",),
    ),
    "invoices": Flow(
        name="invoices",
        entity="invoice",
        rules="invoices",
        source="field",
        target="erp",
        fields=(
            "invoice_number",
            "customer_id",
            "job_id",
            "invoice_date",
            "due_date",
            "subtotal",
            "tax",
            "total",
        ),
        parents={"customer_id": "customers", "job_id": "jobs"},
        identity=("invoice_number",),
        preflight=("field_lengths", "closed_period", "posted_invoice"),
        schedule="0 * * * *",
    ),
    "time": Flow(
        name="time",
        entity="time_entry",
        rules="time_entries",
        source="field",
        target="erp",
        fields=(
            "employee_id",
            "job_id",
            "cost_code",
            "work_date",
            "regular_hours",
            "overtime_hours",
            "doubletime_hours",
        ),
        parents={"job_id": "jobs"},
        preflight=("known_employee", "known_cost_code", "approved_time", "closed_period"),
        updates=False,
        auto_approve="links",
        schedule="0 18 * * 1-5",
    ),
    "payments": Flow(
        name="payments",
        entity="payment",
        rules="payments",
        source="erp",
        target="field",
        fields=("customer_id", "payment_date", "amount", "reference", "method"),
        parents={"customer_id": "customers"},
        updates=False,
        auto_approve="links",
        schedule="15 * * * *",
    ),
}

_FIELD_TYPES: Final[dict[str, type]] = {
    "entity": str,
    "rules": str,
    "source": str,
    "target": str,
    "auto_approve": str,
    "schedule": str,
    "enabled": bool,
    "updates": bool,
}


def flows_from_config(overrides: dict[str, Any] | None) -> dict[str, Flow]:
    """The default flows with a config's ``[flows.<name>]`` overrides applied."""
    flows = dict(DEFAULT_FLOWS)
    for name, settings in (overrides or {}).items():
        if name not in flows:
            raise ConfigError(f"[flows.{name}]: unknown flow; known flows: {', '.join(flows)}")
        if not isinstance(settings, dict):
            raise ConfigError(f"[flows.{name}]: expected a table of settings")
        changes: dict[str, Any] = {}
        for key, value in settings.items():
            if key == "fields":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"[flows.{name}].fields: expected a list of column names")
                changes[key] = tuple(value)
                continue
            expected = _FIELD_TYPES.get(key)
            if expected is None:
                raise ConfigError(f"[flows.{name}].{key}: unknown setting")
            if not isinstance(value, expected):
                raise ConfigError(f"[flows.{name}].{key}: expected {expected.__name__}")
            changes[key] = value
        if changes.get("auto_approve", "none") not in AUTO_APPROVE_POLICIES:
            raise ConfigError(
                f"[flows.{name}].auto_approve: expected one of {', '.join(AUTO_APPROVE_POLICIES)}"
            )
        if "schedule" in changes:
            from croniter import croniter

            if not croniter.is_valid(changes["schedule"]):
                raise ConfigError(
                    f"[flows.{name}].schedule: {changes['schedule']!r} is not a cron expression"
                )
        flows[name] = replace(flows[name], **changes)
    return flows


def resolve(names: str | list[str], flows: dict[str, Flow]) -> list[Flow]:
    """Flows by name in dependency order; ``"all"`` means every enabled flow."""
    wanted = [names] if isinstance(names, str) else names
    if "all" in wanted:
        return [flows[n] for n in FLOW_ORDER if n in flows and flows[n].enabled]
    unknown = [n for n in wanted if n not in flows]
    if unknown:
        raise ConfigError(f"unknown flow {unknown[0]!r}; known flows: all, {', '.join(flows)}")
    return [flows[n] for n in FLOW_ORDER if n in wanted]
