"""Sign in: name and password checked by the store (argon2); shows the demo hint."""

from __future__ import annotations

import streamlit as st

from pages._common import OVERVIEW_PAGE, USER_KEY, console, current_user, ensure_app
from pixissync.console.auth import demo_login_hint

ensure_app()
if current_user() is not None:
    st.switch_page(OVERVIEW_PAGE)

st.title("Sign in to PixisSync")
st.caption("Review and approve what will be written to your ERP and field systems.")

opened = console()
hint = demo_login_hint(opened.location.home)
if hint:
    st.info(f"**Demo sign-in** — {hint}", icon=":material/key:")
elif not opened.store.users():
    st.info(
        "No users yet. Create the first admin with "
        "`pixissync users add NAME --role admin`, or run `pixissync demo`.",
        icon=":material/person_add:",
    )

with st.form("signin_form", border=True):
    name = st.text_input("User name", key="signin_name", autocomplete="username")
    password = st.text_input(
        "Password", type="password", key="signin_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button("Sign in", key="signin_submit", type="primary")

if submitted:
    user = opened.store.authenticate(name.strip(), password)
    if user is None:
        # One message for both cases, so the page does not reveal which names exist.
        st.error("Unknown user name or wrong password.", icon=":material/lock:")
    else:
        st.session_state[USER_KEY] = user
        st.rerun()
