"""The store's engine, migrations and the helpers every part of the store shares."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.exc import ArgumentError

from pixissync.errors import ConfigError
from pixissync.proposal import Preflight, to_jsonable
from pixissync.store import schema as t
from pixissync.store.records import AuditEntry, StoredProposal

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
CHUNK = 5_000  # rows per INSERT; keeps statements under driver parameter limits


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below), so writers can take the lock up front.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL + NORMAL is still crash-safe; it only skips an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # BEGIN IMMEDIATE for writes: a deferred transaction that upgrades to a
        # write lock can fail with "database is locked" without waiting.
        write = conn.get_execution_options().get("pxs_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class StoreCore:
    """Engine, migrations, transactions and row conversion."""

    def __init__(self, url: str) -> None:
        """Open the store at ``url`` (``sqlite:///path/state.db`` or ``postgresql+psycopg://...``).

        Args:
            url: a SQLAlchemy URL. The caller reads ``PIXISSYNC_DB_URL``; the store does not.
        """
        try:
            self.url = sa.make_url(url)
        except ArgumentError as exc:
            raise ConfigError(f"state store URL {url!r} is not a database URL: {exc}") from None
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, ""):
            Path(self.url.database or "").parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(
            self.url,
            pool_pre_ping=self.url.get_backend_name() != "sqlite",
            json_serializer=dumps_json,
        )
        self.dialect = self.engine.dialect.name
        self._upserts: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}
        if self.dialect == "sqlite":
            _sqlite_pragmas(self.engine)

    def migrate(self) -> None:
        """Bring the schema to the newest version (``alembic upgrade head``); idempotent."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.render_as_string(hide_password=False))
        with self._write() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url.render_as_string(hide_password=True)!r})"

    # -- transactions -------------------------------------------------------

    @contextmanager
    def _write(self, *, relaxed: bool = False) -> Iterator[Connection]:
        """One short write transaction (BEGIN IMMEDIATE on SQLite).

        Args:
            relaxed: on PostgreSQL, commit without waiting for the WAL flush. Only for
                writes a rerun can rebuild (apply's claims and records: a commit lost
                in a server crash is found again by the connector's ``find``).
        """
        with self.engine.connect() as conn:
            conn.execution_options(pxs_write=True)
            with conn.begin():
                if relaxed and self.dialect == "postgresql":
                    conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- dialect helpers ----------------------------------------------------

    def _insert(self, table: sa.Table) -> Any:
        """The dialect's INSERT, which has ``on_conflict_do_*``."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table)
        if self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(table)
        raise ConfigError(f"the state store supports SQLite and PostgreSQL, not {self.dialect}")

    def _upsert(
        self,
        conn: Connection,
        table: sa.Table,
        rows: Sequence[Mapping[str, Any]],
        keys: Sequence[str],
        update: Sequence[str],
    ) -> None:
        """Insert ``rows``, overwriting ``update`` columns where ``keys`` already exist."""
        cache_key = (table.name, tuple(keys), tuple(update))
        stmt = self._upserts.get(cache_key)
        if stmt is None:
            # Parameters are passed per execution, so SQLAlchemy compiles this once.
            insert = self._insert(table)
            stmt = insert.on_conflict_do_update(
                index_elements=list(keys), set_={c: insert.excluded[c] for c in update}
            )
            self._upserts[cache_key] = stmt
        for start in range(0, len(rows), CHUNK):
            conn.execute(stmt, list(rows[start : start + CHUNK]))

    # -- audit --------------------------------------------------------------

    def _audit(
        self,
        conn: Connection,
        *,
        actor: str,
        action: str,
        message: str = "",
        batch_id: int | None = None,
        proposal_id: int | None = None,
        entity: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        conn.execute(
            t.audit_log.insert().values(
                at=t.utcnow(),
                actor=actor,
                action=action,
                message=message,
                batch_id=batch_id,
                proposal_id=proposal_id,
                entity=entity,
                before=to_jsonable(before),
                after=to_jsonable(after),
            )
        )


def _json_default(value: Any) -> Any:
    # The same forms as ``to_jsonable``: money and dates as exact strings.
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} {value!r} cannot be stored as JSON")


def dumps_json(value: Any) -> str:
    """JSON for the store's JSON columns; Decimals and dates become exact strings.

    Doing this in the encoder (instead of converting every value first) keeps
    saving a 100k-proposal batch fast.
    """
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(default=_json_default, separators=(",", ":"), ensure_ascii=False)


def proposal_from_row(row: RowMapping) -> StoredProposal:
    """A :class:`StoredProposal` from a ``proposals`` row."""
    return StoredProposal(
        id=row["id"],
        batch_id=row["batch_id"],
        flow=row["flow"],
        entity=row["entity"],
        action=row["action"],
        status=row["status"],
        source_system=row["source_system"],
        source_id=row["source_id"],
        target_system=row["target_system"],
        target_id=row["target_id"],
        reference=row["reference"],
        idempotency_key=row["idempotency_key"],
        values=dict(row["values"] or {}),
        diff=dict(row["diff"] or {}),
        score=row["score"],
        decision=row["decision"],
        explanation=list(row["explanation"] or []),
        parents=dict(row["parents"] or {}),
        depends_on=list(row["depends_on"] or []),
        preflight=[Preflight(**p) for p in row["preflight"] or []],
        summary=row["summary"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        retriable=row["retriable"],
        applied_target_id=row["applied_target_id"],
        approved_by=row["approved_by"],
        version=row["version"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


def audit_from_row(row: RowMapping) -> AuditEntry:
    """An :class:`AuditEntry` from an ``audit_log`` row."""
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        batch_id=row["batch_id"],
        proposal_id=row["proposal_id"],
        entity=row["entity"],
        before=row["before"],
        after=row["after"],
        message=row["message"],
    )


def preflight_json(findings: Sequence[Preflight]) -> list[dict[str, Any]]:
    """Pre-flight findings as JSON-ready dicts."""
    return [
        {"check": f.check, "field": f.field, "message": f.message, "blocking": f.blocking}
        for f in findings
    ]
