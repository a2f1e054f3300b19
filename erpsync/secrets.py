"""Secrets by reference.

A setting that holds a credential stores where to find it, never the value:

    env:ERPSYNC_PLATFORM_TOKEN     an environment variable
    prefect-secret:platform-token  a Prefect Secret block

Values are resolved when a connection is opened and handed to the client as
pydantic SecretStr, so they never reach logs, artifacts or run parameters. A plain string
without a scheme is accepted only for fields that are not secret by nature (a SQLite URL);
`SecretRef.require_reference` rejects it where the value must be a reference.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import GetCoreSchemaHandler, SecretStr
from pydantic_core import core_schema

from erpsync.errors import SecretUnavailable

__all__ = ["SecretRef", "require_reference"]

_SCHEMES = ("env:", "prefect-secret:")


class SecretRef(str):
    """A string that is either a reference (`env:X`, `prefect-secret:X`) or a literal."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls._validate, core_schema.str_schema())

    @classmethod
    def _validate(cls, value: str) -> SecretRef:
        ref = cls(value)
        if ref.is_reference:
            scheme, _, name = value.partition(":")
            if not name:
                raise ValueError(f"secret reference {value!r} names nothing after '{scheme}:'")
        return ref

    @classmethod
    def coerce(cls, value: str) -> SecretRef:
        return value if isinstance(value, SecretRef) else cls._validate(value)

    @property
    def is_reference(self) -> bool:
        return self.startswith(_SCHEMES)

    def describe(self) -> str:
        """What to show in messages: the reference, never a literal value."""
        return str(self) if self.is_reference else "(literal value)"

    def resolve(self) -> SecretStr:
        if self.startswith("env:"):
            name = self[len("env:") :]
            value = os.environ.get(name)
            if not value:
                raise SecretUnavailable(f"environment variable {name} is not set")
            return SecretStr(value)
        if self.startswith("prefect-secret:"):
            name = self[len("prefect-secret:") :]
            try:
                from prefect.blocks.system import Secret

                block: Any = Secret.load(name, _sync=True)  # type: ignore[call-arg]
                return SecretStr(str(block.get()))
            except Exception as exc:  # any lookup failure means the same to the operator
                raise SecretUnavailable(
                    f"Prefect Secret block {name!r} cannot be loaded ({type(exc).__name__})"
                ) from None
        return SecretStr(str(self))


def require_reference(value: SecretRef | None) -> SecretRef | None:
    """Validator for fields that hold a credential: only a reference is accepted."""
    if value is not None and not value.is_reference:
        raise ValueError(
            "a secret must be a reference (env:NAME or prefect-secret:BLOCK), not a value"
        )
    return value
