"""Cached reads for the pages (``st.cache_data``), keyed by store and data version.

The version is the store's own (:func:`pixissync.console.views.data_version`:
changes with every audited write or run), so every reviewer sees everyone's
changes on their next rerun and a page with nothing new is served from cache.
A session counter bumped after each write is added for belt and braces.
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


def rev() -> str:
    """The data version the cached reads are keyed by."""
    return f"{views.data_version(store())}/{st.session_state.get(REV_KEY, 0)}"


def session_rev() -> int:
    """How many writes this session made (changes after each of them)."""
    return int(st.session_state.get(REV_KEY, 0))


def bump() -> None:
    """Mark the cached reads stale after a write."""
    st.session_state[REV_KEY] = int(st.session_state.get(REV_KEY, 0)) + 1


def _url() -> str:
    return str(store().url)


@st.cache_data(ttl=TTL, show_spinner=False)
def _batches(url: str, flow: str | None, revision: str) -> list[BatchSummary]:
    return store().batches(flow=flow)


def batches(flow: str | None = None) -> list[BatchSummary]:
    """Batches (newest first), optionally of one flow."""
    return _batches(_url(), flow, rev())


@st.cache_data(ttl=TTL, show_spinner=False)
def _proposal_page(
    url: str, batch_id: int, filters: tuple[tuple[str, Any], ...], offset: int, limit: int, r: str
) -> tuple[list[StoredProposal], int]:
    return store().proposals(batch_id, **dict(filters), offset=offset, limit=limit)


def proposal_page(
    batch_id: int, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[StoredProposal], int]:
    """One page of a batch's proposals (server-side filter and paging) and the total."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items()))
    return _proposal_page(_url(), batch_id, frozen, offset, limit, rev())


@st.cache_data(ttl=TTL, show_spinner=False)
def _histogram(url: str, batch_id: int, r: str) -> pl.DataFrame:
    return views.score_histogram(store(), batch_id)


def histogram(batch_id: int) -> pl.DataFrame:
    """Score bands of a batch's scored proposals."""
    return _histogram(_url(), batch_id, rev())


@st.cache_data(ttl=TTL, show_spinner=False)
def _status_counts(url: str, batch_id: int | None, r: str) -> pl.DataFrame:
    return views.status_counts(store(), batch_id)


def status_counts(batch_id: int | None = None) -> pl.DataFrame:
    """Proposals by flow, status and action (whole store or one batch)."""
    return _status_counts(_url(), batch_id, rev())
