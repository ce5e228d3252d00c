"""The connector contract: the checks every connector's tests run on it.

Subclass :class:`ConnectorContract` in a ``Test...`` class, provide a
``connector`` fixture (a connector over sample data, fresh for each test) and
:meth:`ConnectorContract.create_change` (a valid create for each entity the
connector pushes). In the spirit of the Singer SDK's tap tests: the same checks,
every connector.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from pixissync.connectors.base import Change, CheckResult, Connector, source_reference
from pixissync.errors import ConnectorError, PermanentError, TransientError
from pixissync.model import ENTITIES


class ConnectorContract:
    """Checks that hold for every connector. Subclasses supply the fixture and changes."""

    @pytest.fixture
    def connector(self) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def create_change(self, entity: str) -> Change | None:
        """A valid create of ``entity`` for this connector's sample data (None: not tested)."""
        raise NotImplementedError

    # -- shape ------------------------------------------------------------------------

    def test_declares_what_it_pulls_and_pushes(self, connector: Connector) -> None:
        assert isinstance(connector, Connector)
        assert connector.name.isidentifier()
        assert connector.pulls and connector.pulls <= set(ENTITIES)
        assert connector.pushes <= connector.pulls

    def test_pull_returns_the_canonical_schema(self, connector: Connector) -> None:
        for entity in sorted(connector.pulls):
            spec = ENTITIES[entity]
            frame = connector.pull(entity)
            for column, dtype in spec.columns.items():
                assert frame.schema.get(column) == dtype, f"{entity}.{column}"
            assert frame.height > 0, f"{entity}: the sample has rows"
            assert not frame.select(spec.key).is_duplicated().any(), f"{entity}: key unique"

    def test_pull_since_returns_only_rows_changed_after_it(self, connector: Connector) -> None:
        tested = 0
        for entity in sorted(connector.pulls):
            if "updated_at" not in ENTITIES[entity].columns:
                continue
            full = connector.pull(entity)
            stamps = full["updated_at"].drop_nulls().sort()
            if stamps.n_unique() < 2:
                continue
            cut = stamps[stamps.len() // 2]
            later = connector.pull(entity, since=cut)
            id_column = ENTITIES[entity].id_column
            expected = full.filter(pl.col("updated_at") > cut)[id_column].sort().to_list()
            assert later[id_column].sort().to_list() == expected, entity
            assert 0 < later.height < full.height, entity
            tested += 1
        assert tested, "at least one entity has change dates"

    # -- writing ----------------------------------------------------------------------

    def test_push_create_is_idempotent_and_findable(self, connector: Connector) -> None:
        pushed = 0
        for entity in sorted(connector.pushes):
            change = self.create_change(entity)
            if change is None:
                continue
            before = datetime.now(UTC) - timedelta(seconds=1)
            first = connector.push(change)
            second = connector.push(change)
            assert first.created, entity
            assert not second.created, f"{entity}: the second push must not create again"
            assert second.target_id == first.target_id, entity
            assert connector.find(entity, change.reference) == first.target_id, entity
            frame = connector.pull(entity)
            carrying = frame.filter(pl.col("external_ref") == change.reference)
            id_column = ENTITIES[entity].id_column
            assert carrying[id_column].to_list() == [first.target_id], f"{entity}: exactly one"
            changed = connector.pull(entity, since=before)
            assert first.target_id in changed[id_column].to_list(), f"{entity}: seen by since"
            pushed += 1
        assert pushed, "at least one entity can be pushed"

    def test_find_an_unknown_reference_is_none(self, connector: Connector) -> None:
        for entity in sorted(connector.pushes):
            assert connector.find(entity, source_reference("nowhere", entity, "0")) is None

    def test_check_reports_in_plain_words(self, connector: Connector) -> None:
        results = connector.check()
        assert results and all(isinstance(r, CheckResult) for r in results)
        assert all(r.ok for r in results), [r for r in results if not r.ok]
        assert all(r.detail for r in results)

    def test_errors_are_transient_or_permanent(self, connector: Connector) -> None:
        entity = sorted(connector.pushes)[0]
        missing = Change(
            entity=entity,
            action="update",
            reference=source_reference("nowhere", entity, "1"),
            idempotency_key="contract-missing",
            values={},
            target_id="999999999",
        )
        with pytest.raises(PermanentError):
            connector.push(missing)
        unknown = Change("not_an_entity", "create", "pxs:x:y:z", "contract-unknown", {})
        with pytest.raises(ConnectorError) as caught:
            connector.push(unknown)
        assert isinstance(caught.value, TransientError | PermanentError)
