"""Streamlit-only helpers the pages share: the store, the signed-in user, messages.

This is the one place that knows where the console's home and store are
(``PIXISSYNC_HOME`` / ``PIXISSYNC_DB_URL``); pages call these helpers and the
library, nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from pixissync.console import auth
from pixissync.console.exports import to_csv_bytes, to_excel_bytes
from pixissync.errors import PixisSyncError
from pixissync.home import CONFIG_NAME, Home
from pixissync.store import Store
from pixissync.store.records import PermissionDenied, StaleProposal, User

USER_KEY = "user"
# Absolute paths, so the app runs the same whatever folder Streamlit starts from.
PAGES = Path(__file__).resolve().parent
SIGNIN_PAGE = str(PAGES / "signin.py")
OVERVIEW_PAGE = str(PAGES / "overview.py")
APP_SCRIPT = str(PAGES.parent / "app.py")

# Set while app.py runs (one script thread per session, so a thread-local is
# per run). Streamlit treats a ``pages/`` folder as an old-style multipage app
# until the first ``st.navigation`` call in the process, so the very first
# request of a freshly started server to a deep link (``/review``) runs that
# page without app.py; :func:`ensure_app` sends it through app.py instead.
_RUN = threading.local()


def app_started() -> None:
    """Called by app.py at the start of every run."""
    _RUN.active = True


def app_finished() -> None:
    """Called by app.py when the run ends (also on rerun, stop or switch)."""
    _RUN.active = False


def ensure_app() -> None:
    """Make sure this page runs under app.py's navigation and sign-in gate."""
    if not getattr(_RUN, "active", False):
        st.switch_page(APP_SCRIPT)


REVIEW_PAGE = str(PAGES / "review.py")


@dataclass
class Console:
    """What the console opened once per process: the home (if any) and the store."""

    home: Home | None
    store: Store
    location: auth.Location


@st.cache_resource(show_spinner=False)
def _open(home_dir: str | None, store_url: str) -> Console:
    home: Home | None = None
    if home_dir is not None and (Path(home_dir) / CONFIG_NAME).is_file():
        home = Home.open(home_dir)
        store = home.store
    else:
        store = Store(store_url)
        store.migrate()
    return Console(home, store, auth.Location(Path(home_dir) if home_dir else None, store_url))


def console() -> Console:
    """The home and store named by the environment, opened once per process.

    A home or store that cannot be opened stops the page with the reason (a bad
    ``pixissync.toml``, an unreachable database) instead of a traceback.
    """
    where = auth.locate()
    try:
        return _open(str(where.home) if where.home else None, where.store_url)
    except (PixisSyncError, SQLAlchemyError) as exc:
        st.error(f"Cannot open the PixisSync home or state store: {exc}", icon=":material/error:")
        st.caption("Set PIXISSYNC_HOME to a home folder (or run `pixissync demo`).")
        st.stop()
        raise  # st.stop() does not return


def store() -> Store:
    """The state store."""
    return console().store


def current_user() -> User | None:
    """The signed-in user of this browser session, if any."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def require_user() -> User:
    """The signed-in user; stops the page with a note when nobody is signed in."""
    ensure_app()
    user = current_user()
    if user is None:
        st.warning("Please sign in first.")
        st.page_link(SIGNIN_PAGE, label="Sign in", icon=":material/login:")
        st.stop()
    assert user is not None  # st.stop() does not return
    return user


def sign_out() -> None:
    """Forget the signed-in user of this session."""
    st.session_state.pop(USER_KEY, None)


def describe_error(exc: Exception) -> tuple[str, str]:
    """``(kind, text)`` for a store or connector error, worded so a reviewer can act.

    Raises:
        Exception: ``exc`` itself when it is not one of ours (a bug, not a message).
    """
    if isinstance(exc, PermissionDenied):
        return "error", f"Not allowed: {exc}"
    if isinstance(exc, StaleProposal):
        current = exc.current
        return "warning", (
            f"Someone else got there first. {exc}\n\n"
            f"Proposal {current.id} is now **{current.status}** "
            f"(last changed by {current.updated_by}); nothing was done twice."
        )
    if isinstance(exc, PixisSyncError):
        return "error", str(exc)
    raise exc


def show_error(exc: Exception) -> None:
    """Show a store or connector error now."""
    kind, text = describe_error(exc)
    (st.warning if kind == "warning" else st.error)(text)


def flash_error(exc: Exception) -> None:
    """Keep a store or connector error to show after the rerun (from a callback)."""
    kind, text = describe_error(exc)
    flash(text, kind)


def export_buttons(make: Callable[[], pl.DataFrame], name: str, key: str) -> None:
    """CSV and Excel download buttons; the file is built only when clicked."""
    left, right = st.columns(2)
    left.download_button(
        "Export CSV",
        data=lambda: to_csv_bytes(make()),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Export Excel",
        data=lambda: to_excel_bytes(make(), sheet=name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )


def flash(message: str, kind: str = "success") -> None:
    """Keep a message to show once after the next rerun (e.g. after an approve)."""
    st.session_state["_flash"] = (kind, message)


def show_flash() -> None:
    """Show (and forget) the message kept by :func:`flash`, where the page calls this."""
    kept = st.session_state.pop("_flash", None)
    if kept:
        kind, message = kept
        {"success": st.success, "warning": st.warning, "error": st.error}.get(kind, st.info)(
            message
        )
        # Also as a toast: visible wherever the reviewer has scrolled to.
        icons = {"success": ":material/check_circle:", "warning": ":material/group:"}
        st.toast(message.split("\n\n")[0], icon=icons.get(kind, ":material/error:"))
