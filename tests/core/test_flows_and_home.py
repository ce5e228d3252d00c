"""Flows and homes are data: overrides are checked and secrets come from the environment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pixissync.errors import ConfigError
from pixissync.flows import DEFAULT_FLOWS, flows_from_config, resolve
from pixissync.home import Home
from pixissync.worker import is_due


def test_all_runs_flows_in_dependency_order() -> None:
    names = [f.name for f in resolve("all", DEFAULT_FLOWS)]
    assert names == ["customers", "jobs", "invoices", "time", "payments"]
    assert [f.name for f in resolve(["payments", "customers"], DEFAULT_FLOWS)] == [
        "customers",
        "payments",
    ]


def test_unknown_flow_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="known flows: all, customers"):
        resolve("vendors", DEFAULT_FLOWS)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"vendors": {}}, r"\[flows.vendors\]: unknown flow"),
        ({"jobs": {"colour": "red"}}, r"\[flows.jobs\].colour: unknown setting"),
        ({"jobs": {"auto_approve": "everything"}}, r"auto_approve: expected one of"),
        ({"jobs": {"schedule": "every day"}}, r"schedule: 'every day' is not a cron"),
        ({"jobs": {"enabled": "yes"}}, r"enabled: expected bool"),
    ],
)
def test_bad_flow_overrides_name_the_setting(override: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        flows_from_config(override)


def test_flow_override_applies() -> None:
    flows = flows_from_config({"jobs": {"schedule": "0 6 * * *", "auto_approve": "none"}})
    assert flows["jobs"].schedule == "0 6 * * *"
    assert flows["jobs"].auto_approve == "none"
    assert flows["customers"] == DEFAULT_FLOWS["customers"]


def _home(tmp_path: Path, body: str) -> Home:
    (tmp_path / "pixissync.toml").write_text(body, encoding="utf-8")
    return Home.open(tmp_path)


def test_profile_resolves_paths_and_reads_secrets_from_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(
        tmp_path,
        '[connections.erp]\nsystem = "sage100c"\nurl = "sqlite:///erp/db.sqlite"\n'
        'password_env = "PXS_TEST_SECRET"\n[connections.field]\nsystem = "files"\n'
        'path = "field"\n',
    )
    monkeypatch.setenv("PXS_TEST_SECRET", "s3cret")
    erp = home.profile("erp")
    assert erp["url"] == f"sqlite:///{tmp_path.resolve()}/erp/db.sqlite"
    assert erp["password"] == "s3cret"
    assert "password_env" not in erp
    assert home.profile("field")["path"] == str((tmp_path / "field").resolve())
    assert "s3cret" not in (tmp_path / "pixissync.toml").read_text()


def test_missing_secret_and_unknown_connection_are_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PXS_NOT_SET", raising=False)
    home = _home(tmp_path, '[connections.erp]\nsystem = "sage100c"\npassword_env = "PXS_NOT_SET"\n')
    with pytest.raises(ConfigError, match="PXS_NOT_SET is not set"):
        home.profile("erp")
    with pytest.raises(ConfigError, match="unknown connection 'st'; configured connections: erp"):
        home.profile("st")


def test_missing_or_broken_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pixissync\.toml not found"):
        Home.open(tmp_path)
    (tmp_path / "pixissync.toml").write_text("[store\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pixissync\.toml"):
        Home.open(tmp_path)


def test_store_url_env_overrides_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _home(tmp_path, '[store]\nurl = "sqlite:///state.db"\n')
    monkeypatch.delenv("PIXISSYNC_DB_URL", raising=False)
    assert home.store_url == f"sqlite:///{tmp_path.resolve()}/state.db"
    monkeypatch.setenv("PIXISSYNC_DB_URL", "postgresql+psycopg://u@h/db")
    assert home.store_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("schedule", "last", "now", "due"),
    [
        ("*/30 * * * *", None, "2026-11-02T10:00", True),
        ("*/30 * * * *", "2026-11-02T10:00", "2026-11-02T10:29", False),
        ("*/30 * * * *", "2026-11-02T10:00", "2026-11-02T10:30", True),
        ("0 18 * * 1-5", "2026-11-06T18:00", "2026-11-08T12:00", False),  # Fri → Sun
        ("0 18 * * 1-5", "2026-11-06T18:00", "2026-11-09T18:00", True),  # → Mon 18:00
    ],
)
def test_flows_are_due_on_their_cron_schedule(
    schedule: str, last: str | None, now: str, due: bool
) -> None:
    flow = DEFAULT_FLOWS["customers"].__class__(
        **{**DEFAULT_FLOWS["customers"].__dict__, "schedule": schedule}
    )
    parse = lambda s: datetime.fromisoformat(s).replace(tzinfo=UTC)  # noqa: E731
    assert is_due(flow, parse(last) if last else None, parse(now)) is due


def test_auto_approval_policies_never_approve_creates() -> None:
    from pixissync.proposal import Preflight, Proposal
    from pixissync.sync import _auto_approve

    def proposal(action: str, decision: str | None = None, values: bool = False) -> Proposal:
        return Proposal(
            flow="customers",
            entity="customer",
            action=action,  # type: ignore[arg-type]
            source_system="field",
            source_id=f"{action}-{decision}-{values}",
            target_system="erp",
            reference="r",
            idempotency_key=f"{action}-{decision}-{values}",
            decision=decision,
            values={"phone": "1"} if values else {},
        )

    def approved(policy: str) -> set[str]:
        flow = flows_from_config({"customers": {"auto_approve": policy}})["customers"]
        batch = [
            proposal("create"),
            proposal("link", "auto"),
            proposal("link", "auto", values=True),
            proposal("link", "review"),
            proposal("update", "known", values=True),
        ]
        blocked = proposal("update", "known", values=True)
        blocked.source_id = "blocked"
        blocked.preflight = [Preflight("closed_period", "invoice_date", "closed")]
        _auto_approve(flow, [*batch, blocked])
        return {p.source_id for p in [*batch, blocked] if p.status == "approved"}

    assert approved("none") == set()
    assert approved("links") == {"link-auto-False"}
    assert approved("linked_updates") == {"link-auto-False", "update-known-True"}
    assert approved("safe") == {"link-auto-False", "link-auto-True", "update-known-True"}
