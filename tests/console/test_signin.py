"""Signing in: the store checks the password; the sidebar shows who and which role."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_support import APP, signed_in, texts
from streamlit.testing.v1 import AppTest

from pixissync.store import User


def _sign_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_submit").click().run()
    return at


def test_nobody_signed_in_sees_only_the_sign_in_page(home: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to PixisSync"]
    # No demo note unless the demo wrote one.
    assert "demo admin" not in texts(at)


def test_right_password_signs_in_and_sidebar_shows_role(home: Path) -> None:
    at = _sign_in("rev", "rev-password-1")
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert at.session_state["user"] == User("rev", "reviewer")
    assert "rev · reviewer" in " ".join(str(m.value) for m in at.sidebar.markdown)


def test_sidebar_shows_who_is_signed_in_and_their_role(home: Path) -> None:
    at = signed_in("vic")
    sidebar = " ".join(str(m.value) for m in at.sidebar.markdown)
    assert "vic · viewer" in sidebar
    assert "can read everything, change nothing" in sidebar


def test_wrong_password_is_refused_without_saying_which_part(home: Path) -> None:
    at = _sign_in("rev", "not-the-password")
    assert [e.value for e in at.error] == ["Unknown user name or wrong password."]
    assert "user" not in at.session_state
    at = _sign_in("nobody", "whatever-password")
    assert [e.value for e in at.error] == ["Unknown user name or wrong password."]


def test_demo_hint_is_shown_when_the_demo_wrote_one(home: Path) -> None:
    (home / "DEMO_LOGIN.txt").write_text("user: admin\npassword: s3cret-demo\n")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "demo admin: admin / s3cret-demo" in texts(at)


def test_sign_out_returns_to_sign_in(home: Path) -> None:
    at = _sign_in("ann", "ann-password-1")
    at.sidebar.button(key="app_sign_out").click().run()
    assert "user" not in at.session_state
    assert [t.value for t in at.title] == ["Sign in to PixisSync"]


def test_a_new_store_says_how_to_create_the_first_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIXISSYNC_HOME", str(tmp_path))
    monkeypatch.delenv("PIXISSYNC_DB_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "pixissync users add NAME --role admin" in texts(at)


def test_a_broken_home_is_explained_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pixissync.toml").write_text("[connections\\n")
    monkeypatch.setenv("PIXISSYNC_HOME", str(tmp_path))
    monkeypatch.delenv("PIXISSYNC_DB_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert any("Cannot open the PixisSync home" in str(e.value) for e in at.error)
    assert "pixissync.toml" in " ".join(str(e.value) for e in at.error)
