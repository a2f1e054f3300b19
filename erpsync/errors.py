"""Exceptions that end a command with one clear line instead of a traceback."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConnectionFailed",
    "ErpsyncError",
    "RunSkipped",
    "SchemaMismatch",
    "SecretUnavailable",
    "SyncRunFailed",
]


class ErpsyncError(Exception):
    """Base class: `str(exc)` is the line shown to the operator."""

    exit_code = 1


class ConfigError(ErpsyncError):
    """The configuration file or an environment override is invalid."""

    exit_code = 2


class SchemaMismatch(ConfigError):
    """The ERP company lacks a table or column erpsync needs (or the configuration names)."""


class SecretUnavailable(ConfigError):
    """A secret reference names an environment variable or block that is not there."""


class ConnectionFailed(ErpsyncError):
    """The ERP database or the platform cannot be reached or refuses the credentials."""

    exit_code = 3


class SyncRunFailed(ErpsyncError):
    """A run finished with at least one failed step; the message names it."""

    exit_code = 4


class RunSkipped(ErpsyncError):
    """The company is being synced by another run: this one did nothing."""

    exit_code = 5
