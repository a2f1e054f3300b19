"""Settings of the Sage 100 connector (the `[erp]` section of erpsync.toml)."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.sage100.boi_com import BoiComSettings
from erpsync.secrets import SecretRef, require_reference

__all__ = ["Sage100Settings"]


class Sage100Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["sage100"] = "sage100"
    # A SQLAlchemy URL: sqlite:///... (the sandbox), mssql+pyodbc://... (Sage 100 Premium).
    # Empty means the embedded sandbox company. A SecretRef when it carries a password.
    url: str = ""
    # A raw ODBC connection string or DSN name for the ProvideX driver (Sage 100
    # Standard/Advanced). Always by reference: it holds the Sage password.
    odbc: SecretRef | None = None
    company: str = "ABC"
    # Where the TimeUpdated half of the incremental predicate is evaluated: in SQL (CAST to
    # a number) or in the client after a date-only SQL filter, for drivers without CAST.
    # "auto" = sql for SQLAlchemy URLs, client for raw ODBC.
    time_filter: Literal["auto", "sql", "client"] = "auto"
    chunk_size: int = Field(20_000, gt=0, le=1_000_000)
    # The Sage server's time zone (IANA, "America/Chicago"): Sage stamps rows with its
    # wall clock, and watermarks are capped at its "now". Empty: asked of the company's
    # database (SQL Server, the sandbox); required over ODBC, which cannot tell.
    timezone: str = ""
    # The write path on the Sage server: the Business Object Interface over COM
    # ([erp.boi] home, user, password by reference). Unset: only the sandbox company is
    # written (a real company's uploads refuse to run rather than write SQL).
    boi: BoiComSettings | None = None

    _odbc_by_reference = field_validator("odbc")(require_reference)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"{value!r} is not a time zone name (e.g. America/Chicago)"
                ) from None
        return value
