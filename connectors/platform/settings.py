"""Settings of the platform connector (the `[platform]` section of erpsync.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from erpsync.secrets import SecretRef, require_reference

__all__ = ["PlatformSettings"]


class PlatformSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Base URL of the platform API, or "embedded" to start the platform sandbox for the
    # duration of a command.
    url: str = "embedded"
    token: SecretRef = SecretRef("env:ERPSYNC_PLATFORM_TOKEN")
    timeout_seconds: float = Field(30.0, gt=0)
    # Records per write call; the sandbox accepts up to 1,000 like a generous CIMcloud tier.
    max_batch: int = Field(1000, gt=0, le=10_000)
    page_size: int = Field(1000, gt=0, le=10_000)
    max_retries: int = Field(6, ge=0, le=20)
    # An empty field on the platform clears the ERP field (Lime's rule); some platforms'
    # APIs drop empty values instead, for those set it false and empty means "leave it".
    empty_clears: bool = True
    # A Retry-After longer than this fails the call instead of stalling the run.
    max_retry_wait_seconds: float = Field(120.0, gt=0)

    _token_by_reference = field_validator("token")(require_reference)
