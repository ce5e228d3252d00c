"""Reconciliation: the month-end tie-out, its exceptions with both records, charts, sign-off."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import polars as pl
import streamlit as st

from pages._common import console, export_buttons, flash, require_user, show_error, show_flash
from pixissync.errors import PixisSyncError
from pixissync.reconcile import Reconciliation, Sides, load_sides, load_tolerances, tie_out
from pixissync.reconcile.export import workbook_bytes
from pixissync.reconcile.history import (
    load_reconciliation,
    save_reconciliation,
    saved_reconciliations,
    sign_off,
)

_RESULT = "recon_result"
_SIDES = "recon_sides"
# Which canonical entity (and id column) an exception kind's ids point at.
_ENTITY = {"invoice": ("invoice", "invoice_id"), "payment": ("payment", "payment_id")}
_ENTITY_TIME = ("time_entry", "entry_id")


def _last_month() -> str:
    today = datetime.now(UTC).date()
    first = date(today.year, today.month, 1)
    prev = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return f"{prev.year:04d}-{prev.month:02d}"


def _chartable(frame: pl.DataFrame) -> pl.DataFrame:
    # Charts draw floats; the money itself stays Decimal everywhere else.
    return frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))


user = require_user()
opened = console()
store = opened.store
st.title("Reconciliation")
show_flash()
if opened.home is None:
    st.info("Reconciliation needs a PixisSync home with both connections (PIXISSYNC_HOME).")
    st.stop()
home = opened.home
assert home is not None

c1, c2, c3 = st.columns([2, 2, 1])
period = c1.text_input("Period (YYYY-MM)", value=_last_month(), key="recon_period")
latest = c2.checkbox(
    "Reuse the latest complete snapshot (no new pull)", value=False, key="recon_latest"
)
if c3.button("Reconcile", key="recon_run", type="primary", icon=":material/balance:"):
    try:
        with st.spinner("Pulling both systems and tying out…"):
            sides = load_sides(home, latest=latest)
            st.session_state[_RESULT] = tie_out(sides, period, load_tolerances())
            st.session_state[_SIDES] = sides
    except PixisSyncError as exc:
        show_error(exc)

rec: Reconciliation | None = st.session_state.get(_RESULT)
sides_now: Sides | None = st.session_state.get(_SIDES)
if rec is None:
    st.caption("Choose a month and press Reconcile.")
else:
    st.subheader(f"Tie-out {rec.period}")
    st.caption(f"Snapshot: {rec.snapshot}. Difference is field minus ERP.")
    for note in rec.notes:
        st.warning(note, icon=":material/info:")
    cols = st.columns(len(rec.summary))
    for col, row in zip(cols, rec.summary.iter_rows(named=True), strict=True):
        col.metric(
            row["measure"],
            f"{row['difference']:,.2f}",
            delta=f"unexplained {row['unexplained']:,.2f}",
            delta_color="off",
        )
    st.dataframe(rec.summary, key="recon_summary", hide_index=True)
    st.download_button(
        "Download workbook",
        data=partial(workbook_bytes, rec),
        file_name=f"reconciliation-{rec.period}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="recon_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )

    tabs = st.tabs(["Exceptions", "Charts", "By job", "Save & sign off"])
    with tabs[0]:
        kinds = ["All", *sorted(set(rec.exceptions["kind"].to_list()))]
        kind = st.selectbox("Exception type", kinds, key="recon_kind")
        shown = rec.exceptions if kind == "All" else rec.exceptions.filter(pl.col("kind") == kind)
        st.caption(f"{shown.height:,} exception(s).")
        st.dataframe(shown, key="recon_exceptions", hide_index=True)
        export_buttons(lambda: shown, f"exceptions-{rec.period}", key="recon_exc_export")
        labels = [
            f"{r['kind']}: field {r['field_id'] or '—'} / ERP {r['erp_id'] or '—'}"
            for r in shown.head(500).iter_rows(named=True)
        ]
        pick = st.selectbox("Both records of", ["—", *labels], key="recon_drill")
        if pick != "—" and sides_now is not None:
            row = shown.row(labels.index(pick), named=True)
            entity, id_col = _ENTITY.get(row["kind"].split("_")[0], _ENTITY_TIME)
            left, right = st.columns(2)
            for col, frames, rid, title in (
                (left, sides_now.field, row["field_id"], "Field system"),
                (right, sides_now.erp, row["erp_id"], "ERP"),
            ):
                col.markdown(f"**{title}** — {entity} {rid or '(none)'}")
                found = frames[entity].filter(pl.col(id_col) == rid) if rid else None
                if found is not None and found.height:
                    record: dict[str, Any] = found.row(0, named=True)
                    col.dataframe(
                        pl.DataFrame(
                            {"field": list(record), "value": [str(v) for v in record.values()]}
                        ),
                        key=f"recon_drill_{title}",
                        hide_index=True,
                    )
                else:
                    col.caption("No record on this side.")
    with tabs[1]:
        st.markdown("**Invoiced difference by customer** (largest 20)")
        top = (
            rec.by_customer.filter(pl.col("difference") != 0)
            .sort(pl.col("difference").abs(), descending=True)
            .head(20)
            .with_columns(pl.coalesce("customer", "customer_id").alias("customer"))
        )
        if top.height:
            st.bar_chart(_chartable(top), x="customer", y="difference")
        else:
            st.caption("No customer differs this month.")
        st.markdown("**AR aging at period end, both systems**")
        st.bar_chart(
            _chartable(rec.aging),
            x="bucket",
            y="balance",
            color="system",
            stack=False,
        )
        st.dataframe(rec.aging, key="recon_aging_table", hide_index=True)
    with tabs[2]:
        st.dataframe(rec.by_customer, key="recon_by_customer_table", hide_index=True)
        st.dataframe(rec.by_job, key="recon_by_job_table", hide_index=True)
        st.dataframe(
            rec.hours_by_job.filter(pl.col("difference") != 0),
            key="recon_hours_table",
            hide_index=True,
        )
    with tabs[3]:
        note = st.text_input("Note", key="recon_note", placeholder="e.g. October close, draft")
        if st.button("Save this reconciliation", key="recon_save", icon=":material/save:"):
            try:
                rec_id = save_reconciliation(store, rec, user=user, note=note)
                flash(f"Saved reconciliation {rec_id} for {rec.period}.")
                st.rerun()
            except PixisSyncError as exc:
                show_error(exc)

st.subheader("History")
saved = saved_reconciliations(store)
history = pl.DataFrame(
    [
        {
            "id": s.id,
            "period": s.period,
            "saved_by": s.created_by,
            "saved_at": s.created_at,
            "note": s.note,
            "signed_off_by": s.signed_off_by,
            "signed_off_at": s.signed_off_at,
            "sign_off_note": s.signoff_note,
        }
        for s in saved
    ]
    or None,
)
st.dataframe(history, key="recon_history", hide_index=True)
open_ids = [s.id for s in saved if not s.signed_off]
if open_ids:
    s1, s2, s3 = st.columns([1, 3, 1])
    target = s1.selectbox("Reconciliation", open_ids, key="recon_signoff_id")
    signoff_note = s2.text_input("Sign-off note", key="recon_signoff_note")
    if s3.button("Sign off", key="recon_signoff", icon=":material/verified:"):
        try:
            done = sign_off(store, int(target), user=user, note=signoff_note)
            flash(f"Reconciliation {done.id} ({done.period}) signed off by {done.signed_off_by}.")
            st.rerun()
        except PixisSyncError as exc:
            show_error(exc)
if saved:
    view = st.selectbox("Show a saved one", [s.id for s in saved], key="recon_view")
    kept = load_reconciliation(store, int(view)).result
    if kept is not None:
        st.dataframe(kept.summary, key="recon_view_summary", hide_index=True)
