"""Pre-flight checks: what the target would refuse, found before anything is written.

Each check looks at the values a create or update would write and returns
:class:`~pixissync.proposal.Preflight` findings. A *blocking* finding turns the
proposal into an exception a person must resolve in a system; a non-blocking
one (a parent still waiting to be linked) is shown beside the proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from pixissync.proposal import Preflight


@dataclass(frozen=True)
class TargetFacts:
    """What the planner knows about the target system's rules and master data.

    ``field_limits`` maps entity → canonical field → longest value the target
    holds; ``closed_periods`` holds ``(year, month)`` pairs locked in the target;
    ``employees`` and ``cost_codes`` are the ids the target knows, or ``None``
    when the target does not say (the check is then skipped, not guessed).
    ``writable`` is false when the target's connector cannot write the entity
    (Sage 300 CRE takes only time imports): creates become exceptions to key in
    by hand, and links record the pair without writing.
    """

    field_limits: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    closed_periods: frozenset[tuple[int, int]] = frozenset()
    employees: frozenset[str] | None = None
    cost_codes: frozenset[str] | None = None
    writable: bool = True
    target_name: str = "the target"


Check = Callable[[str, Mapping[str, Any], TargetFacts], list[Preflight]]


def _field_lengths(entity: str, values: Mapping[str, Any], facts: TargetFacts) -> list[Preflight]:
    found = []
    for name, limit in facts.field_limits.get(entity, {}).items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            found.append(
                Preflight(
                    "field_length",
                    name,
                    f"{name} is {len(value)} characters; the target holds at most {limit}",
                )
            )
    return found


def _closed_period(entity: str, values: Mapping[str, Any], facts: TargetFacts) -> list[Preflight]:
    column = {"invoice": "invoice_date", "time_entry": "work_date", "payment": "payment_date"}.get(
        entity
    )
    when = values.get(column) if column else None
    if isinstance(when, date) and (when.year, when.month) in facts.closed_periods:
        return [
            Preflight(
                "closed_period",
                column,
                f"{when:%Y-%m} is closed in the target; reopen the period or change the date",
            )
        ]
    return []


def _known_employee(entity: str, values: Mapping[str, Any], facts: TargetFacts) -> list[Preflight]:
    employee = values.get("employee_id")
    if facts.employees is None or employee in facts.employees:
        return []
    return [
        Preflight(
            "missing_employee",
            "employee_id",
            f"employee {employee} does not exist in the target; add the employee there first",
        )
    ]


def _known_cost_code(entity: str, values: Mapping[str, Any], facts: TargetFacts) -> list[Preflight]:
    code = values.get("cost_code")
    if facts.cost_codes is None or code is None or code in facts.cost_codes:
        return []
    return [
        Preflight(
            "missing_cost_code",
            "cost_code",
            f"cost code {code} does not exist in the target; add it there first",
        )
    ]


def _approved_time(entity: str, values: Mapping[str, Any], facts: TargetFacts) -> list[Preflight]:
    if values.get("approved") is False:
        return [
            Preflight("unapproved_time", "approved", "time is not approved in the field system yet")
        ]
    return []


CHECKS: Final[dict[str, Check]] = {
    "field_lengths": _field_lengths,
    "closed_period": _closed_period,
    "known_employee": _known_employee,
    "known_cost_code": _known_cost_code,
    "approved_time": _approved_time,
}


def run_checks(
    names: tuple[str, ...], entity: str, values: Mapping[str, Any], facts: TargetFacts
) -> list[Preflight]:
    """Run the named checks (unknown names are ignored: ``posted_invoice`` is the planner's)."""
    found: list[Preflight] = []
    for name in names:
        check = CHECKS.get(name)
        if check is not None:
            found.extend(check(entity, values, facts))
    return found
