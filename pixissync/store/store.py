"""The :class:`Store`: one object the CLI, planner, worker, apply and console share."""

from __future__ import annotations

from pixissync.store.applying import ApplyingMixin


class Store(ApplyingMixin):
    """The state store: runs, batches, proposals, xrefs, decisions, audit, users, locks.

    SQLite file by default (``sqlite:///path/state.db``), PostgreSQL by URL
    (``postgresql+psycopg://...``). Call :meth:`migrate` once before use. Every
    write is one short transaction; review writes check the user's role and the
    proposal's version.

    The methods live in mixins by responsibility: ``core`` (engine, migrations),
    ``batches`` (runs, batches, listing, audit), ``review`` (approve/reject/edit),
    ``links`` (xrefs, decisions), ``users`` (users, flow locks), ``applying``
    (claims and outcomes for apply).
    """
