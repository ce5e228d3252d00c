"""Compile what the connector executes for SQL Server, the dialect of a real Vista."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mssql
from sqlalchemy.engine import Engine


class SqlServerCompiler:
    """Compiles every executed Core statement for the mssql dialect, as Vista would run it."""

    def __init__(self, engine: Engine) -> None:
        self.compiled: list[str] = []
        self.dialect = mssql.dialect()
        sa.event.listen(engine, "before_execute", self._before)

    def _before(self, conn: Any, clause: Any, multiparams: Any, params: Any, options: Any) -> None:
        if isinstance(clause, sa.sql.ClauseElement):
            self.compiled.append(str(clause.compile(dialect=self.dialect)))
