"""The exceptions PixisSync raises.

The apply engine decides whether to retry from the class alone::

    PixisSyncError
    ├── InputError            bad file, row, column or option from the user (exit code 2)
    ├── RuleFileError         a rules/*.yaml file is malformed (names file and key path)
    ├── ConfigError           a connection profile or flow definition is wrong
    └── ConnectorError        a connector failed talking to its system
        ├── TransientError    worth retrying: 429, 5xx, dropped connection, lock timeout
        └── PermanentError    retrying cannot help: validation, not found, forbidden
            └── AmbiguousReferenceError  more than one target record carries our reference
"""

from __future__ import annotations


class PixisSyncError(Exception):
    """Base class of every error PixisSync raises on purpose."""


class InputError(PixisSyncError):
    """Bad input from the user: names the file, record and field where known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class RuleFileError(PixisSyncError):
    """A rules file is malformed; the message names the file, key path and problem."""

    def __init__(self, file: str, key_path: str, problem: str) -> None:
        self.file = file
        self.key_path = key_path
        self.problem = problem
        super().__init__(f"{file}: {key_path or '<top>'}: {problem}")


class ConfigError(PixisSyncError):
    """A configuration value (connection profile, flow) is wrong or missing."""


class ConnectorError(PixisSyncError):
    """A connector failed; ``system_message`` keeps the target system's own words."""

    retriable: bool = False

    def __init__(self, message: str, *, system_message: str | None = None) -> None:
        self.system_message = system_message
        super().__init__(message if not system_message else f"{message}: {system_message}")


class TransientError(ConnectorError):
    """Worth retrying: throttling, server errors, dropped connections."""

    retriable = True

    def __init__(
        self,
        message: str,
        *,
        system_message: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, system_message=system_message)


class PermanentError(ConnectorError):
    """Retrying cannot help; the proposal fails with the system's message."""


class AmbiguousReferenceError(PermanentError):
    """More than one record in the target carries the same source reference."""
