"""Users: who may sign in and with which role (admins add users and change roles)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages._common import console, flash, require_user, show_error, show_flash
from pixissync.console.auth import ROLE_HELP
from pixissync.errors import PixisSyncError
from pixissync.store import ROLES

user = require_user()
store = console().store
st.title("Users")
show_flash()
st.caption(" · ".join(f"**{role}** {ROLE_HELP[role]}" for role in ROLES))

people = pl.DataFrame(
    [{"name": u.name, "role": u.role} for u in store.users()],
    schema={"name": pl.String, "role": pl.String},
)
st.dataframe(people, key="users_table", hide_index=True)

if not user.may("manage_users"):
    st.caption(f"Only an admin can add users or change roles; you are {user.role}.")
    st.stop()

with st.form("users_add", clear_on_submit=True):
    st.markdown("**Add a user**")
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("Name", key="users_name")
    role = c2.selectbox("Role", ROLES, key="users_role")
    password = c3.text_input("Password (8+ characters)", type="password", key="users_password")
    add = st.form_submit_button("Add user", key="users_add_submit")
if add:
    try:
        made = store.add_user(name, str(role), password, by=user)
    except PixisSyncError as exc:
        show_error(exc)
    else:
        flash(f"Added {made.name} as {made.role}.")
        st.rerun()

with st.form("users_role_form"):
    st.markdown("**Change a role**")
    c1, c2 = st.columns(2)
    who = c1.selectbox("User", people["name"].to_list(), key="users_change_name")
    new_role = c2.selectbox("New role", ROLES, key="users_change_role")
    change = st.form_submit_button("Change role", key="users_change_submit")
if change and who:
    try:
        store.update_user(str(who), by=user, role=str(new_role))
    except PixisSyncError as exc:
        show_error(exc)
    else:
        flash(f"{who} is now {new_role}.")
        st.rerun()
