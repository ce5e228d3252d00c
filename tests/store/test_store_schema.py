"""Migrations build the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pixissync.store import Store
from pixissync.store.schema import metadata

TABLES = {
    "runs",
    "batches",
    "proposals",
    "xrefs",
    "match_decisions",
    "audit_log",
    "users",
    "flow_locks",
}


def test_migrate_creates_every_table_and_is_idempotent(store: Store) -> None:
    store.migrate()  # a second run changes nothing and does not fail
    names = set(sa.inspect(store.engine).get_table_names())
    assert names >= TABLES
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"


def test_migrations_match_the_tables_the_code_uses(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        assert compare_metadata(context, metadata) == []


def test_unique_keys_protect_batches_and_links(store: Store) -> None:
    uniques = {
        tuple(u["column_names"])
        for u in sa.inspect(store.engine).get_unique_constraints("proposals")
    }
    assert ("batch_id", "idempotency_key") in uniques
    xref_uniques = {
        tuple(u["column_names"]) for u in sa.inspect(store.engine).get_unique_constraints("xrefs")
    }
    assert ("entity", "source_system", "source_id", "target_system") in xref_uniques


def test_runs_are_recorded_with_utc_times(store: Store) -> None:
    run_id = store.start_run("customers", "schedule")
    store.finish_run(run_id, "ok", {"create": 3, "update": 1}, message="fine")
    (run,) = store.runs(flow="customers")
    assert run.id == run_id and run.status == "ok" and run.trigger == "schedule"
    assert run.counts == {"create": 3, "update": 1}
    assert run.started_at.tzinfo == UTC and run.finished_at is not None
    assert run.finished_at >= run.started_at
    assert store.runs(flow="jobs") == []
