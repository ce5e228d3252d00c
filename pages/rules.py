"""Rules: the matching rules in effect per entity, and a threshold try-out on a snapshot."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages import _data
from pages._common import console, export_buttons, require_user, show_error
from pixissync.console import tryout
from pixissync.errors import PixisSyncError
from pixissync.flows import DEFAULT_FLOWS
from pixissync.matching import RuleSet, load_rules, rules_path

require_user()
opened = console()
flows = opened.home.flows if opened.home else DEFAULT_FLOWS
st.title("Rules")
st.caption(
    "Rules are data (rules/<entity>.yaml): comparison levels run strictest first and the "
    "first that holds fires; its weight moves the score. The labels are what reviewers see."
)

flow_name = st.selectbox(
    "Flow",
    list(flows),
    key="rules_flow",
    format_func=lambda n: f"{n} ({flows[n].entity}, {flows[n].direction})",
)
flow = flows[str(flow_name)]
path = rules_path(flow.rules)
try:
    rules: RuleSet = load_rules(path)
except PixisSyncError as exc:
    show_error(exc)
    st.stop()

m1, m2, m3, m4 = st.columns(4)
m1.metric("Auto-link at", f"{rules.auto:.2f}")
m2.metric("Review from", f"{rules.review:.2f}")
m3.metric("Prior (log2 odds)", f"{rules.prior:g}")
m4.metric("Comparisons", len(rules.comparisons))

levels = tryout.comparisons_table(rules)
st.subheader("Comparison levels")
st.dataframe(levels, key="rules_levels", hide_index=True)
export_buttons(lambda: levels, f"rules-{flow.rules}", key="rules_export")
with st.expander("Derived fields, blocking keys and deterministic rules"):
    st.dataframe(tryout.fields_table(rules), key="rules_fields", hide_index=True)
    st.markdown("**Blocking keys** (candidate pairs share one of these):")
    st.markdown("\n".join(f"- {' + '.join(key)}" for key in rules.blocking))
    for det in rules.deterministic:
        st.markdown(f"**Deterministic:** {det.label}")
    st.code(path.read_text(encoding="utf-8"), language="yaml")

st.subheader("Try the thresholds on the latest snapshot")
batch = next((b for b in _data.batches(flow.name) if b.snapshot), None)
if batch is None:
    st.info(f"No snapshot kept for {flow.name} yet: run a sync first.")
    st.stop()
st.caption(f"Snapshot of batch #{batch.id} ({batch.created_at:%Y-%m-%d %H:%M} UTC).")


@st.cache_data(ttl=600, show_spinner="Matching the snapshot…")
def _pairs(snapshot: str, flow_name: str, rules_file: str, mtime: float) -> pl.DataFrame | None:
    return tryout.tryout(opened.store, flows[flow_name], load_rules(rules_file), snapshot, flows)


if st.button("Run the try-out", key="rules_tryout", type="primary"):
    st.session_state["rules_tryout_for"] = (flow.name, batch.snapshot)
if st.session_state.get("rules_tryout_for") != (flow.name, batch.snapshot):
    st.stop()
pairs = _pairs(str(batch.snapshot), flow.name, str(path), path.stat().st_mtime)
if pairs is None:
    st.warning("The snapshot lacks one side's records for this flow.")
    st.stop()

left, right = st.columns(2)
auto = left.slider("Auto-link threshold", 0.0, 1.0, float(rules.auto), 0.01, key="rules_auto")
review = right.slider("Review threshold", 0.0, 1.0, float(rules.review), 0.01, key="rules_review")
if review > auto:
    st.warning("The review threshold is above the auto threshold: nothing would go to review.")
counts = tryout.split(pairs, auto, review)
c1, c2, c3 = st.columns(3)
c1.metric("Auto-linked", f"{counts['auto']:,}")
c2.metric("Sent to review", f"{counts['review']:,}")
c3.metric("Dropped", f"{counts['dropped']:,}")

st.caption("Pairs per score band")
st.bar_chart(tryout.score_bands(pairs), x="score_from", y="pairs", height=220)
steps = [round(0.5 + 0.05 * i, 2) for i in range(10)] + [0.99]
st.dataframe(tryout.threshold_counts(pairs, steps), key="rules_steps", hide_index=True)
st.caption(f"Pairs either side of the auto threshold ({auto:.2f})")
st.dataframe(tryout.either_side(pairs, auto), key="rules_samples", hide_index=True)
