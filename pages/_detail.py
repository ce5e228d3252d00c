"""The Review page's detail panel (one proposal) and its apply section."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import polars as pl
import streamlit as st

from pages import _data
from pages._common import console, export_buttons, flash, flash_error, show_error
from pixissync.console.proposals import (
    explanation_labels,
    parse_edit,
    side_by_side,
    snapshot_records,
)
from pixissync.errors import PixisSyncError
from pixissync.store import BatchSummary, Store, StoredProposal, User
from pixissync.store.review import APPROVABLE, REJECTABLE

RESULT_SCHEMA = {
    "proposal_id": pl.Int64,
    "entity": pl.String,
    "action": pl.String,
    "source_id": pl.String,
    "status": pl.String,
    "target_id": pl.String,
    "message": pl.String,
}


def _diff_style(frame: pl.DataFrame) -> Any:
    data: pd.DataFrame = frame.to_pandas()

    def paint(row: pd.Series) -> list[str]:
        colour = "background-color: #fff1b8; font-weight: 600" if row["changed"] else ""
        return [colour] * len(row)

    return data.style.apply(paint, axis=1)


def detail(
    store: Store,
    user: User,
    page: list[StoredProposal],
    selected: list[StoredProposal],
    batch: BatchSummary,
) -> None:
    """Side-by-side records, diff, explanation and the single-proposal decisions."""
    if not page:
        return
    ids = [p.id for p in page]
    by_id = {p.id: p for p in page}
    default = ids.index(selected[0].id) if selected else 0
    chosen = st.selectbox(
        "Proposal",
        ids,
        index=default,
        key=f"review_detail_{ids[0]}_{len(ids)}_{selected[0].id if selected else 0}",
        format_func=lambda i: f"#{i} · {by_id[i].summary}"[:120],
    )
    p = by_id[int(chosen)]
    st.subheader(f"#{p.id} · {p.summary}")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Action", p.action)
    m2.metric("Status", p.status)
    m3.metric("Score", "—" if p.score is None else f"{p.score:.2f}")
    m4.metric("Version", p.version)
    labels = explanation_labels(p)
    if labels:
        st.markdown(
            "**Why this pairing:** "
            + " · ".join(f"`{label}`" for label in labels)
            + ("" if p.decision is None else f" → **{p.decision}**")
        )
    for finding in p.preflight:
        where = f" ({finding.field})" if finding.field else ""
        (st.error if finding.blocking else st.info)(
            f"Pre-flight {finding.check}{where}: {finding.message}"
        )
    if p.last_error:
        st.error(f"Last apply attempt failed: {p.last_error}")
    records = snapshot_records(p, batch.snapshot)
    frame = side_by_side(p, records)
    st.caption(
        f"{p.source_system} {p.source_id} → {p.target_system} {p.target_id or '(new record)'} · "
        "highlighted rows are what apply would write"
    )
    st.dataframe(
        _diff_style(frame),
        key=f"review_diff_{p.id}",
        hide_index=True,
        column_config={
            "field": "Field",
            "source": f"{p.source_system} (source)",
            "target": f"{p.target_system} now",
            "after_apply": "After apply",
            "changed": st.column_config.CheckboxColumn("Writes", width="small"),
        },
    )
    _decide_one(store, user, p)


def _decide_one(store: Store, user: User, p: StoredProposal) -> None:
    if p.action == "exception":
        st.info("An exception is fixed in the target system by a person; it is never written.")
        return
    can_approve, can_reject = p.status in APPROVABLE, p.status in REJECTABLE
    if not (can_approve or can_reject):
        st.caption(f"This proposal is {p.status}; there is nothing left to decide.")
        return
    a, r, _ = st.columns([1, 1, 3])
    # Callbacks with the version drawn on screen: see pages/_review_table.py.
    seen = (store, user, p.id, p.version)
    if can_approve:
        a.button("Approve", key="review_one_approve", type="primary", on_click=_approve, args=seen)
    if can_reject:
        r.button(
            "Reject" + (" (not a match)" if p.action == "link" else ""),
            key="review_one_reject",
            on_click=_reject,
            args=(*seen, p.action == "link"),
        )
    if p.action in ("create", "update") and (p.values or p.diff):
        with st.expander("Edit a value, then approve"):
            fields = sorted(set(p.values) | set(p.diff))
            name = str(st.selectbox("Field", fields, key="review_edit_field"))
            current = p.values.get(name, (p.diff.get(name) or {}).get("new"))
            st.caption(f"Proposed now: {current!r}")
            st.text_input("New value", key="review_edit_value")
            st.button(
                "Save and approve",
                key="review_edit_approve",
                on_click=_edit_and_approve,
                args=(*seen, name, current),
            )


def _approve(store: Store, user: User, proposal_id: int, version: int) -> None:
    try:
        n = store.approve([proposal_id], user=user, expected_versions={proposal_id: version})
        flash(
            f"Approved proposal #{proposal_id}."
            if n
            else f"Proposal #{proposal_id} was already approved."
        )
    except PixisSyncError as exc:
        flash_error(exc)
    _data.bump()


def _reject(store: Store, user: User, proposal_id: int, version: int, pairing: bool) -> None:
    reason = str(st.session_state.get("review_reason", ""))
    try:
        store.reject(
            [proposal_id], user=user, expected_versions={proposal_id: version}, reason=reason
        )
        remembered = " The pairing is remembered as not a match." if pairing else ""
        flash(f"Rejected proposal #{proposal_id}.{remembered}")
    except PixisSyncError as exc:
        flash_error(exc)
    _data.bump()


def _edit_and_approve(
    store: Store, user: User, proposal_id: int, version: int, name: str, current: Any
) -> None:
    typed = str(st.session_state.get("review_edit_value", ""))
    try:
        value = parse_edit(current, typed)
    except ValueError as exc:
        flash(f"{name}: {exc}", "error")
        return
    try:
        edited = store.edit(proposal_id, name, value, user=user, expected_version=version)
        store.approve([proposal_id], user=user, expected_versions={proposal_id: edited.version})
        flash(f"Changed {name} to {value!r} and approved proposal #{proposal_id}.")
    except PixisSyncError as exc:
        flash_error(exc)
    _data.bump()


def apply_section(store: Store, user: User, batch: BatchSummary) -> None:
    """Apply the batch's approved proposals (admin), with progress and per-proposal results."""
    approved = int(batch.by_status.get("approved", 0))
    st.markdown(f"**{approved:,} approved proposal(s)** wait to be written to the target.")
    if not user.may("apply"):
        st.caption(f"Only an admin can apply; you are signed in as {user.role}.")
        return
    if st.button(f"Apply {approved:,} approved", key="review_apply", disabled=not approved):
        st.session_state["review_apply_confirm"] = True
        st.rerun()
    if st.session_state.get("review_apply_confirm"):
        st.warning(
            f"Write {approved:,} approved proposal(s) of batch #{batch.id} to "
            f"{batch.flow}'s target now? Each is written once; a rerun never duplicates."
        )
        yes, no, _ = st.columns([1, 1, 4])
        if no.button("Cancel", key="review_apply_no"):
            st.session_state.pop("review_apply_confirm", None)
            st.rerun()
        if yes.button("Yes, apply", key="review_apply_yes", type="primary"):
            st.session_state.pop("review_apply_confirm", None)
            _apply(store, user, batch)
    shown = st.session_state.get("review_apply_result")
    if shown and shown.get("batch") == batch.id:
        (st.warning if shown["failed"] else st.success)(shown["headline"])
        results = pl.DataFrame(shown["rows"], schema=RESULT_SCHEMA)
        failed = results.filter(pl.col("status") == "failed")
        for row in failed.head(20).iter_rows(named=True):
            st.error(f"Proposal #{row['proposal_id']} ({row['source_id']}): {row['message']}")
        st.dataframe(results, key="review_apply_rows", hide_index=True)
        export_buttons(lambda: results, f"batch-{batch.id}-apply", key="review_apply_export")


def _apply(store: Store, user: User, batch: BatchSummary) -> None:
    from pixissync.apply import apply_batch

    home = console().home
    if home is None:
        st.error("No home configured (PIXISSYNC_HOME): the console cannot reach the systems.")
        return
    bar = st.progress(0.0, text="Starting…")

    last = [0.0]

    def progress(done: int, total: int) -> None:
        # Apply reports after every proposal; redraw at most five times a second so a
        # 20,000-proposal batch does not send 20,000 updates to the browser.
        now = time.monotonic()
        if done < total and now - last[0] < 0.2:
            return
        last[0] = now
        bar.progress(done / total if total else 1.0, text=f"Written {done:,} of {total:,}")

    try:
        report = apply_batch(store, batch.id, home.connectors(), user=user, progress=progress)
    except PixisSyncError as exc:
        show_error(exc)
        _data.bump()
        return
    bar.progress(1.0, text="Done")
    st.session_state["review_apply_result"] = {
        "batch": batch.id,
        "headline": (
            f"**Apply finished in {report.seconds:.1f} s:** {report.applied:,} applied "
            f"({report.created:,} created, {report.found:,} already there, "
            f"{report.updated:,} updated, {report.linked:,} linked), "
            f"{report.failed:,} failed, {report.blocked:,} blocked, {report.skipped:,} skipped."
        ),
        "failed": report.failed,
        "rows": report.results,
    }
    _data.bump()
    st.rerun()
