"""rules page."""

from __future__ import annotations

import streamlit as st

from pages._common import require_user

require_user()
st.title("Rules")
