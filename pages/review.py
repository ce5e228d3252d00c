"""Review: pick a batch, filter its proposals, judge one side by side, decide, apply."""

from __future__ import annotations

import streamlit as st

from pages import _data, _detail, _review_table
from pages._common import console, export_buttons, require_user, show_flash
from pixissync.console.proposals import proposal_table
from pixissync.console.views import batch_label, first_to_review

EXPORT_LIMIT = 100_000

user = require_user()
opened = console()
store = opened.store
st.title("Review")

flows = ["All flows", *(opened.home.flows if opened.home else [])]
top_flow, top_batch = st.columns([1, 3])
flow = top_flow.selectbox("Flow", flows, key="review_flow")
batches = _data.batches(None if flow == "All flows" else str(flow))
if not batches:
    st.info("No batches yet. Run a sync (`pixissync sync`) to propose changes.")
    st.stop()
by_id = {b.id: b for b in batches}
chosen = top_batch.selectbox(
    "Batch",
    list(by_id),
    index=first_to_review(batches),
    key="review_batch",
    format_func=lambda i: batch_label(by_id[i]),
)
batch = by_id[int(chosen)]

counts = st.columns(6)
for col, (label, value) in zip(
    counts,
    [
        ("Proposals", batch.total),
        ("Pending", batch.by_status.get("pending", 0)),
        ("Approved", batch.by_status.get("approved", 0)),
        ("Applied", batch.by_status.get("applied", 0)),
        ("Failed", batch.by_status.get("failed", 0)),
        ("Exceptions", batch.by_action.get("exception", 0)),
    ],
    strict=True,
):
    col.metric(label, f"{value:,}")

with st.expander("Charts: status and scores of this batch"):
    left, right = st.columns(2)
    status = _data.status_counts(batch.id)
    left.caption("Proposals by status and action")
    left.bar_chart(status, x="status", y="count", color="action", height=220)
    right.caption("Match scores (pairs per band)")
    right.bar_chart(_data.histogram(batch.id), x="score_from", y="pairs", height=220)

flt = _review_table.filter_bar()
page, total, sig = _review_table.page_of(batch, flt)
selected = _review_table.table(page, sig)
_review_table.pager(total)
# Exports hold every proposal matching the filter, not only this page; built on click.
export_buttons(
    lambda: proposal_table(store.proposals(batch.id, **flt.store_kwargs(), limit=EXPORT_LIMIT)[0]),
    f"batch-{batch.id}-proposals",
    key="review_export",
)

st.divider()
show_flash()  # the outcome of the last decision, next to the buttons that made it
act, bulk = st.tabs(["Selected rows", "Everything matching the filter"])
with act:
    _review_table.selection_actions(selected, user)
with bulk:
    _review_table.bulk_actions(flt, total)
# Right under the buttons that ask for it, so the question is where the eye is.
_review_table.confirmation(store, user, batch)

st.divider()
_detail.detail(store, user, page, selected, batch)

st.divider()
st.subheader("Apply")
_detail.apply_section(store, user, batch)
