"""Overview: each flow's last run, what is synced, pending, blocked or failed, and links."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages import _data
from pages._common import REVIEW_PAGE, console, export_buttons, require_user
from pixissync.console import views
from pixissync.flows import DEFAULT_FLOWS

require_user()
opened = console()
flows = opened.home.flows if opened.home else DEFAULT_FLOWS
st.title("Overview")


@st.cache_data(ttl=_data.TTL, show_spinner=False)
def _overview(url: str, names: tuple[str, ...], revision: str) -> pl.DataFrame:
    return views.overview(opened.store, {n: flows[n] for n in names})


frame = _overview(str(opened.store.url), tuple(flows), _data.rev())
notes = views.attention(frame)

totals = st.columns(5)
for col, (label, name) in zip(
    totals,
    [
        ("Pending review", "pending_review"),
        ("Approved, not applied", "approved_not_applied"),
        ("Blocked", "blocked"),
        ("Failed", "failed"),
        ("Synced", "synced"),
    ],
    strict=True,
):
    col.metric(label, f"{int(frame[name].sum()):,}")

st.subheader("Needs attention first")
if notes:
    for note in notes[:8]:
        st.markdown(f"- {note}")
    st.page_link(REVIEW_PAGE, label="Open Review", icon=":material/fact_check:")
else:
    st.success("Nothing waits for you: every flow is reviewed and applied.")

st.subheader("Flows")
st.dataframe(
    frame,
    key="overview_flows",
    hide_index=True,
    column_config={
        "flow": "Flow",
        "direction": "Direction",
        "last_run": st.column_config.DatetimeColumn("Last run (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_run_status": "Last run",
        "synced": "Synced",
        "blocked": "Blocked",
        "failed": "Failed",
        "linked": "Linked",
        "pending_review": "Pending review",
        "approved_not_applied": "Approved",
        "unlinked_source": "Unlinked in source",
        "unlinked_target": "Unlinked in target",
    },
)
export_buttons(lambda: frame, "overview", key="overview_export")

left, right = st.columns(2)
with left:
    st.caption("Proposals by flow and status")
    counts = _data.status_counts()
    if counts.height:
        st.bar_chart(counts, x="flow", y="count", color="status", height=260)
with right:
    st.caption("Proposals per batch over time")
    trend = views.batch_trend(_data.batches()).tail(60)
    if trend.height:
        st.bar_chart(trend, x="batch", y="proposals", color="flow", height=260)
