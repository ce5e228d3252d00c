"""Cached reads for the pages (``st.cache_data``), keyed by store and a revision.

Each session keeps a revision number that every write bumps, so a reviewer sees
their own change at once; other reviewers' changes show within the TTL.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from pages._common import store
from pixissync.console import views
from pixissync.store import BatchSummary, StoredProposal

REV_KEY = "_data_rev"
TTL = 15  # seconds; short, since several reviewers work on one store


def rev() -> int:
    """This session's data revision."""
    return int(st.session_state.get(REV_KEY, 0))


def bump() -> None:
    """Mark the cached reads stale after a write."""
    st.session_state[REV_KEY] = rev() + 1


def _url() -> str:
    return str(store().url)


@st.cache_data(ttl=TTL, show_spinner=False)
def _batches(url: str, flow: str | None, revision: int) -> list[BatchSummary]:
    return store().batches(flow=flow)


def batches(flow: str | None = None) -> list[BatchSummary]:
    """Batches (newest first), optionally of one flow."""
    return _batches(_url(), flow, rev())


@st.cache_data(ttl=TTL, show_spinner=False)
def _proposal_page(
    url: str, batch_id: int, filters: tuple[tuple[str, Any], ...], offset: int, limit: int, r: int
) -> tuple[list[StoredProposal], int]:
    return store().proposals(batch_id, **dict(filters), offset=offset, limit=limit)


def proposal_page(
    batch_id: int, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[StoredProposal], int]:
    """One page of a batch's proposals (server-side filter and paging) and the total."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items()))
    return _proposal_page(_url(), batch_id, frozen, offset, limit, rev())


@st.cache_data(ttl=TTL, show_spinner=False)
def _histogram(url: str, batch_id: int, r: int) -> pl.DataFrame:
    return views.score_histogram(store(), batch_id)


def histogram(batch_id: int) -> pl.DataFrame:
    """Score bands of a batch's scored proposals."""
    return _histogram(_url(), batch_id, rev())


@st.cache_data(ttl=TTL, show_spinner=False)
def _status_counts(url: str, batch_id: int | None, r: int) -> pl.DataFrame:
    return views.status_counts(store(), batch_id)


def status_counts(batch_id: int | None = None) -> pl.DataFrame:
    """Proposals by flow, status and action (whole store or one batch)."""
    return _status_counts(_url(), batch_id, rev())
