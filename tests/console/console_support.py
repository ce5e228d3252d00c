"""Helpers shared by the console tests: sample proposals and AppTest shortcuts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pixissync.proposal import Preflight, Proposal, idempotency_key
from pixissync.store import User

REPO = Path(__file__).resolve().parents[2]
APP = str(Path(__file__).resolve().parent / "app_entry.py")
PASSWORDS = {"ann": "ann-password-1", "rev": "rev-password-1", "vic": "vic-password-1"}
# "admin" is the demo home's admin (see pixissync.demo).
ROLES = {"ann": "admin", "rev": "reviewer", "vic": "viewer", "admin": "admin"}


def customer_batch(n_creates: int = 6) -> list[Proposal]:
    """Creates, an update with a diff, a fuzzy link with an explanation, an exception."""
    out = [
        Proposal(
            flow="customers",
            entity="customer",
            action="create",
            source_system="field",
            source_id=f"C{i:03d}",
            target_system="erp",
            reference=f"pxs:field:customer:C{i:03d}",
            idempotency_key=idempotency_key("create", i),
            values={"name": f"Customer {i:03d}", "city": "Austin", "credit": Decimal("10.00")},
            summary=f"Create customer 'Customer {i:03d}' in erp",
        )
        for i in range(n_creates)
    ]
    out.append(
        Proposal(
            flow="customers",
            entity="customer",
            action="update",
            source_system="field",
            source_id="U001",
            target_system="erp",
            target_id="ACME",
            reference="pxs:field:customer:U001",
            idempotency_key=idempotency_key("update", 1),
            values={"phone": "512-555-0199"},
            diff={"phone": {"old": "512-555-0100", "new": "512-555-0199"}},
            decision="known",
            summary="Update customer 'Acme Fire Protection': phone",
        )
    )
    out.append(
        Proposal(
            flow="customers",
            entity="customer",
            action="link",
            source_system="field",
            source_id="L001",
            target_system="erp",
            target_id="BOBS",
            reference="pxs:field:customer:L001",
            idempotency_key=idempotency_key("link", 1),
            diff={"name": {"old": "Bobs Sprinklers", "new": "Bob's Sprinkler Co"}},
            score=0.83,
            decision="review",
            explanation=["name: fuzzy ≥ 0.85", "postal code exact", "phone differs"],
            summary="Link customer 'Bobs Sprinklers' ← field L001 'Bob's Sprinkler Co'",
        )
    )
    out.append(
        Proposal(
            flow="customers",
            entity="customer",
            action="exception",
            source_system="field",
            source_id="X001",
            target_system="erp",
            reference="pxs:field:customer:X001",
            idempotency_key=idempotency_key("exception", 1),
            values={"name": "A" * 60},
            preflight=[Preflight("field_lengths", "name", "name is 60 long; erp holds 50")],
            summary="Cannot create customer 'AAAA…': name too long",
        )
    )
    return out


def signed_in(name: str, page: str | None = None) -> AppTest:
    """The app with ``name`` signed in, on ``page`` (``"review"``, ``"history"``...), run."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["user"] = User(name, ROLES[name])  # type: ignore[arg-type]
    at.run()
    if page is not None:
        at.switch_page(str(REPO / "pages" / f"{page}.py")).run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page says in markdown, captions, alerts and metrics, as one string."""
    parts: list[str] = []
    for group in (at.markdown, at.caption, at.info, at.warning, at.error, at.success):
        parts.extend(str(e.value) for e in group)
    parts.extend(f"{m.label}={m.value}" for m in at.metric)
    return "\n".join(parts)
