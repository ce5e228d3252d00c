"""Sections of the Review page: filter bar, proposal table, decisions, confirmations.

Streamlit layout only; the store decides (role checks, optimistic locking) and
``pixissync.console`` shapes the data.
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl
import streamlit as st

from pages import _data
from pages._common import flash, flash_error
from pixissync.console.proposals import (
    PREFLIGHT_CHOICES,
    SCORE_BANDS,
    ProposalFilter,
    proposal_table,
)
from pixissync.errors import PixisSyncError
from pixissync.proposal import ACTIONS
from pixissync.store import BatchSummary, Store, StoredProposal, User

STATUSES = ("pending", "approved", "rejected", "applied", "failed", "blocked")
PAGE_SIZES = (25, 50, 100, 250)
CONFIRM_KEY = "review_confirm"


def filter_bar() -> ProposalFilter:
    """The filter bar; returns the filter the user set."""
    c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 3])
    action = c1.multiselect("Action", ACTIONS, key="review_action", placeholder="All actions")
    status = c2.multiselect("Status", STATUSES, key="review_status", placeholder="All statuses")
    band = c3.selectbox("Score band", list(SCORE_BANDS), key="review_score")
    preflight = c4.selectbox("Pre-flight", list(PREFLIGHT_CHOICES), key="review_preflight")
    text = c5.text_input(
        "Search", key="review_text", placeholder="name, id, reference…", help="Summary, ids, ref"
    )
    return ProposalFilter(tuple(action), tuple(status), str(band), str(preflight), text)


def page_of(batch: BatchSummary, flt: ProposalFilter) -> tuple[list[StoredProposal], int, str]:
    """The current page of proposals, the total matching, and a signature of the view."""
    size = int(
        st.session_state.get("review_page_size", 50)
        if st.session_state.get("review_page_size") in PAGE_SIZES
        else 50
    )
    kwargs = flt.store_kwargs()
    page = max(int(st.session_state.get("review_page", 1) or 1), 1)
    proposals, total = _data.proposal_page(batch.id, kwargs, (page - 1) * size, size)
    pages = max(1, -(-total // size))
    if page > pages:
        # The filter shrank the result below the page the user was on: show the last page.
        page = pages
        proposals, total = _data.proposal_page(batch.id, kwargs, (page - 1) * size, size)
    # The table's selection is by row number, so its key changes with the rows shown:
    # when the page holds other proposals (a filter, a page, someone else's change),
    # the selection starts empty instead of pointing at different proposals.
    shown = ",".join(str(p.id) for p in proposals)
    view = f"{batch.id}|{sorted(kwargs.items())}|{page}|{size}|{shown}|{_data.session_rev()}"
    sig = hashlib.sha1(view.encode()).hexdigest()[:10]
    return proposals, total, sig


def pager(total: int) -> None:
    """Page size and page number under the table."""
    size_col, page_col, info_col = st.columns([1, 3, 2])
    size = size_col.selectbox("Rows a page", PAGE_SIZES, index=1, key="review_page_size")
    pages = max(1, -(-total // int(size)))
    if int(st.session_state.get("review_page", 1) or 1) > pages:
        st.session_state["review_page"] = pages
    with page_col:
        st.pagination(num_pages=pages, key="review_page")
    info_col.caption(f"{total:,} proposal(s) match · {pages:,} page(s)")


def _styled(frame: pl.DataFrame) -> Any:
    """Pandas Styler that colours pre-flight flags and statuses (display only)."""
    colours = {"blocking": "#fde2e1", "note": "#fff4d6", "failed": "#fde2e1", "applied": "#e3f5e1"}

    def paint(value: Any) -> str:
        return f"background-color: {colours[value]}" if value in colours else ""

    data = frame.to_pandas()
    return data.style.map(paint, subset=["pre_flight", "status"])


def table(proposals: list[StoredProposal], sig: str) -> list[StoredProposal]:
    """The proposal table with row selection; returns the selected proposals."""
    frame = proposal_table(proposals)
    # The key carries the view's signature: a new filter or page starts with no
    # selection, so a remembered row number can never point at another proposal.
    event = st.dataframe(
        _styled(frame),
        key=f"review_table_{sig}",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        height=min(38 + 35 * max(len(proposals), 1), 600),
        column_config={
            "id": st.column_config.NumberColumn("ID", format="%d", width="small"),
            "flow": None,  # one batch is one flow; the batch picker names it
            "action": st.column_config.TextColumn("Action", width="small"),
            "status": st.column_config.TextColumn("Status", width="small"),
            "source_id": "Source id",
            "target_id": "Target id",
            "error": "Last error",
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0.0, max_value=1.0, format="%.2f", width="small"
            ),
            "summary": st.column_config.TextColumn("Summary", width="large"),
            "changes": st.column_config.NumberColumn("Fields", width="small"),
            "pre_flight": st.column_config.TextColumn("Pre-flight", width="small"),
            "version": None,
        },
    )
    rows = list(event.selection.rows) if event is not None else []
    return [proposals[i] for i in rows if 0 <= i < len(proposals)]


# -- decisions ---------------------------------------------------------------
#
# Every decision button is a callback whose arguments are fixed when the button
# is drawn: the ids and versions the reviewer saw. Streamlit reruns the script
# after a click, so reading them again then would approve whatever the
# proposals have become in the meantime; this way the store's version check
# refuses a decision taken on a state that is gone.


def _ask(kind: str, message: str, payload: dict[str, Any]) -> None:
    """Hold an action until the user confirms it (shown by :func:`confirmation`)."""
    reason = str(st.session_state.get("review_reason", ""))
    st.session_state[CONFIRM_KEY] = {"kind": kind, "message": message, "reason": reason, **payload}


def _cancel() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def _confirm(store: Store, user: User, batch_id: int) -> None:
    held = st.session_state.pop(CONFIRM_KEY, None)
    if not held:
        return
    kind = held["kind"]
    versions = {int(k): int(v) for k, v in held.get("versions", {}).items()}
    try:
        if kind == "approve_ids":
            n = store.approve(list(versions), user=user, expected_versions=versions)
            flash(f"Approved {n} proposal(s).")
        elif kind == "reject_ids":
            n = store.reject(
                list(versions), user=user, expected_versions=versions, reason=held["reason"]
            )
            flash(f"Rejected {n} proposal(s).")
        elif kind == "approve_where":
            n = store.approve_where(batch_id, user=user, **held["filters"])
            flash(f"Approved {n} proposal(s) matching {held['described']}.")
        elif kind == "reject_where":
            n = store.reject_where(batch_id, user=user, reason=held["reason"], **held["filters"])
            flash(f"Rejected {n} proposal(s) matching {held['described']}.")
    except PixisSyncError as exc:
        flash_error(exc)
    _data.bump()


def confirmation(store: Store, user: User, batch: BatchSummary) -> None:
    """Show the held action with Confirm / Cancel."""
    held = st.session_state.get(CONFIRM_KEY)
    if not held:
        return
    with st.container(border=True):
        st.warning(held["message"], icon=":material/help:")
        yes, no, _ = st.columns([1, 1, 4])
        no.button("Cancel", key="review_confirm_no", on_click=_cancel)
        yes.button(
            "Confirm",
            key="review_confirm_yes",
            type="primary",
            on_click=_confirm,
            args=(store, user, batch.id),
        )


def selection_actions(selected: list[StoredProposal], user: User) -> None:
    """Approve / reject the rows ticked in the table."""
    n = len(selected)
    st.markdown(f"**{n} selected**" if n else "Tick rows in the table to act on them.")
    a, r, reason_col = st.columns([1, 1, 3])
    reason_col.text_input(
        "Reason (for a rejection)", key="review_reason", placeholder="e.g. not the same customer"
    )
    versions = {str(p.id): p.version for p in selected}
    links = sum(1 for p in selected if p.action == "link")
    note = f" {links} pairing(s) will be remembered as not a match." if links else ""
    a.button(
        f"Approve {n} selected",
        key="review_approve_selected",
        disabled=not n,
        on_click=_ask,
        args=("approve_ids", f"Approve {n} selected proposal(s)?", {"versions": versions}),
    )
    r.button(
        f"Reject {n} selected",
        key="review_reject_selected",
        disabled=not n,
        on_click=_ask,
        args=("reject_ids", f"Reject {n} selected proposal(s)?{note}", {"versions": versions}),
    )
    if not user.may("approve"):
        st.caption(f"Your role ({user.role}) can read only; the store refuses decisions.")


def bulk_actions(flt: ProposalFilter, total: int) -> None:
    """Approve / reject everything matching the current filter, after a confirmation."""
    described = flt.describe()
    a, r, info = st.columns([1, 1, 3])
    payload = {"filters": flt.store_kwargs(), "described": described}
    a.button(
        f"Approve all {total:,} matching",
        key="review_approve_all",
        disabled=not total,
        on_click=_ask,
        args=(
            "approve_where",
            f"Approve every approvable proposal matching {described} — {total:,} proposal(s)? "
            "Exceptions are never approved.",
            payload,
        ),
    )
    r.button(
        f"Reject all {total:,} matching",
        key="review_reject_all",
        disabled=not total,
        on_click=_ask,
        args=(
            "reject_where",
            f"Reject every proposal matching {described} — {total:,} proposal(s)?",
            payload,
        ),
    )
    info.caption(f"Filter: {described}")
