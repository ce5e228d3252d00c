"""History: sync runs and the audit log (who approved, applied or edited what)."""

from __future__ import annotations

import streamlit as st

from pages._common import console, export_buttons, require_user
from pixissync.console import views
from pixissync.store import AuditEntry

PAGE_SIZE = 100
EXPORT_LIMIT = 50_000

require_user()
store = console().store
st.title("History")

runs_tab, audit_tab = st.tabs(["Runs", "Audit log"])

with runs_tab:
    flows = ["All flows", *sorted({r.flow for r in store.runs(limit=500)})]
    flow = st.selectbox("Flow", flows, key="history_run_flow")
    runs = views.runs_frame(store.runs(flow=None if flow == "All flows" else str(flow), limit=200))
    st.caption(f"Latest {runs.height} run(s), newest first (times in UTC).")
    st.dataframe(runs, key="history_runs", hide_index=True)
    export_buttons(lambda: runs, "runs", key="history_runs_export")

with audit_tab:
    c1, c2, c3 = st.columns(3)
    actors = ["Anyone", *sorted({u.name for u in store.users()} | {"system"})]
    actor = c1.selectbox("Who", actors, key="history_actor")
    action = c2.text_input(
        "Action", key="history_action", placeholder="approve, reject, edit, apply…"
    )
    since = c3.date_input("Since (UTC)", value=None, key="history_since")
    who = None if actor == "Anyone" else str(actor)
    what = action.strip() or None
    start = views.since_start(since)

    def audit(limit: int, offset: int = 0) -> tuple[list[AuditEntry], int]:
        return store.audit_log(actor=who, action=what, since=start, limit=limit, offset=offset)

    _, total = audit(0)
    pages = max(1, -(-total // PAGE_SIZE))
    if int(st.session_state.get("history_page", 1) or 1) > pages:
        st.session_state["history_page"] = pages
    page = int(st.session_state.get("history_page", 1) or 1)
    entries, total = audit(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    st.caption(f"{total:,} entr(ies) match, newest first · page {page} of {pages}")
    frame = views.audit_frame(entries)
    st.dataframe(frame, key="history_audit", hide_index=True)
    st.pagination(num_pages=pages, key="history_page")
    export_buttons(
        lambda: views.audit_frame(audit(EXPORT_LIMIT)[0]),
        "audit-log",
        key="history_audit_export",
    )
