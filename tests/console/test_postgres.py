"""The console on a team's PostgreSQL store: two reviewers, one decision each."""

from __future__ import annotations

import pytest
from console_support import PASSWORDS, ROLES, customer_batch, signed_in, texts

from pixissync.store import Store, User

pytestmark = pytest.mark.postgres


def test_review_on_postgres_with_a_concurrent_reviewer(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    store = Store(pg_url)
    store.migrate()
    for name, password in PASSWORDS.items():
        store.add_user(name, ROLES[name], password)
    batch = store.save_batch(None, "customers", customer_batch())
    monkeypatch.setenv("PIXISSYNC_DB_URL", pg_url)
    monkeypatch.setenv("PIXISSYNC_HOME", str(tmp_path))

    at = signed_in("rev", "review")
    assert not at.exception
    assert "Proposals=9" in texts(at)
    at.multiselect(key="review_action").select("create").run()
    key = next(str(d.key) for d in at.dataframe if str(d.key).startswith("review_table_"))
    at.session_state[key] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    at.run()
    at.button(key="review_approve_selected").click().run()
    # Meanwhile the admin rejects the first of the two in another browser.
    first, _ = store.proposals(batch, action="create", limit=1)
    store.reject([first[0].id], user=User("ann", "admin"), reason="duplicate")
    at.button(key="review_confirm_yes").click().run()
    assert "Someone else got there first" in " ".join(str(w.value) for w in at.warning)
    page, _ = store.proposals(batch, action="create", limit=2)
    # The whole decision is refused, so nothing is half-done or done twice.
    assert [p.status for p in page] == ["rejected", "pending"]
    store.close()
