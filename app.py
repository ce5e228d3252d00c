"""PixisSync console: ``streamlit run app.py`` (home from ``PIXISSYNC_HOME``).

Builds the navigation: only the sign-in page until someone signs in, then the
review pages. Shows who is signed in, and their role, in the sidebar.
"""

from __future__ import annotations

import streamlit as st

from pages._common import (
    PAGES,
    SIGNIN_PAGE,
    app_finished,
    app_started,
    current_user,
    sign_out,
)
from pixissync.console.auth import role_line

app_started()
st.set_page_config(page_title="PixisSync", page_icon=":material/sync_alt:", layout="wide")

user = current_user()
signin = st.Page(SIGNIN_PAGE, title="Sign in", icon=":material/login:", url_path="signin")
if user is None:
    page = st.navigation([signin], position="hidden")
else:
    page = st.navigation(
        {
            "Sync": [
                st.Page(
                    PAGES / "overview.py",
                    title="Overview",
                    icon=":material/dashboard:",
                    default=True,
                ),
                st.Page(PAGES / "review.py", title="Review", icon=":material/fact_check:"),
                st.Page(PAGES / "history.py", title="History", icon=":material/history:"),
            ],
            "Month end": [
                st.Page(
                    PAGES / "reconciliation.py", title="Reconciliation", icon=":material/balance:"
                ),
                st.Page(PAGES / "duplicates.py", title="Duplicates", icon=":material/people:"),
            ],
            "Setup": [
                st.Page(PAGES / "rules.py", title="Rules", icon=":material/rule:"),
                st.Page(PAGES / "connections.py", title="Connections", icon=":material/cable:"),
                st.Page(PAGES / "users.py", title="Users", icon=":material/group:"),
            ],
            # Kept registered (hidden) so a rerun right after signing in lands somewhere.
            "": [st.Page(SIGNIN_PAGE, title="Sign in", url_path="signin", visibility="hidden")],
        }
    )
    with st.sidebar:
        st.markdown(f"**Signed in:** {role_line(user)}")
        if st.button("Sign out", key="app_sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()

try:
    page.run()
finally:
    app_finished()
