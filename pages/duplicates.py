"""Duplicates: likely duplicate customers inside one system; confirm or dismiss, pick a survivor."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages._common import (
    console,
    export_buttons,
    flash,
    flash_error,
    require_user,
    show_error,
    show_flash,
)
from pixissync.duplicates import (
    confirm_group,
    customer_facts,
    dismiss_group,
    find_groups,
    merge_worksheet,
    records_from,
)
from pixissync.errors import PixisSyncError

user = require_user()
opened = console()
store = opened.store
st.title("Duplicate customers")
show_flash()
if opened.home is None:
    st.info("Finding duplicates needs a PixisSync home with its connections (PIXISSYNC_HOME).")
    st.stop()
home = opened.home
assert home is not None

systems = list(home.config.get("connections", {}))
default = systems.index("erp") if "erp" in systems else 0
system = str(st.selectbox("System", systems, index=default, key="dup_system"))
try:
    records = records_from(home.connector(system), system)
    groups = find_groups(store, records)
except PixisSyncError as exc:
    show_error(exc)
    st.stop()
    raise

pending = groups.filter(pl.col("status") == "pending").height
st.caption(
    f"{groups.height} group(s) in {system}: {pending} waiting for review. "
    "Dismissed groups are remembered and never shown again."
)
st.dataframe(
    groups.with_columns(pl.col("members").list.join(", "), pl.col("names").list.join(" | ")).drop(
        "explanation"
    ),
    key="dup_groups",
    hide_index=True,
)
export_buttons(
    lambda: merge_worksheet(groups, records), f"merge-worksheet-{system}", key="dup_worksheet"
)

if groups.height:
    ids = groups["group_id"].to_list()
    group_id = st.selectbox("Group", ids, key="dup_group")
    group = groups.filter(pl.col("group_id") == group_id).row(0, named=True)
    members: list[str] = list(group["members"])
    st.markdown(f"**Why these look like one customer** (score {group['score']:.4f})")
    st.markdown("\n".join(f"- {label}" for label in group["explanation"]))
    facts = customer_facts(records).filter(pl.col("customer_id").is_in(members))
    st.dataframe(facts, key="dup_members", hide_index=True)
    current = group["survivor_id"] or group["suggested_survivor"]
    st.radio(
        "Surviving record",
        members,
        index=members.index(current) if current in members else 0,
        key=f"dup_survivor_{group_id}",
        horizontal=True,
    )
    st.text_input("Note", key="dup_note")

    # Callbacks read the widgets' state at click time, not when the button was drawn.
    def _confirm(members: list[str] = members, key: str = f"dup_survivor_{group_id}") -> None:
        survivor = str(st.session_state.get(key))
        note = str(st.session_state.get("dup_note", ""))
        try:
            verdict = confirm_group(
                store, "customer", system, members, survivor, user=user, note=note
            )
            flash(
                f"Group confirmed: {survivor} survives; {verdict.remapped} link(s) now point at it."
            )
        except PixisSyncError as exc:
            flash_error(exc)

    def _dismiss(members: list[str] = members) -> None:
        note = str(st.session_state.get("dup_note", ""))
        try:
            dismiss_group(store, "customer", system, members, user=user, note=note)
            flash(f"Group {', '.join(members)} dismissed: not the same customer.")
        except PixisSyncError as exc:
            flash_error(exc)

    b1, b2 = st.columns(2)
    b1.button("Confirm duplicates", key="dup_confirm", on_click=_confirm, type="primary")
    b2.button("Not duplicates", key="dup_dismiss", on_click=_dismiss)
