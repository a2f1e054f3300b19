"""Configuration: one TOML file validated by pydantic, overridable by environment variables.

Lookup order, strongest first: environment variables `ERPSYNC_<SECTION>__<FIELD>` (for
example `ERPSYNC_STATE__URL`), the TOML file (`--config`, else `$ERPSYNC_CONFIG`, else
`./erpsync.toml`), the defaults below. The defaults point at the embedded sandbox, so a
fresh clone runs with no file at all.

Secrets are never values in the file: a field typed `SecretRef` holds a reference,
`env:NAME` or `prefect-secret:BLOCK`, resolved only when the connection is opened
(erpsync.secrets). Relative paths are relative to the directory of the config file.
"""

from __future__ import annotations

import json
import os
import tomllib
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from connectors.platform.settings import PlatformSettings
from connectors.sage100.settings import Sage100Settings
from erpsync.errors import ConfigError
from erpsync.secrets import SecretRef

if TYPE_CHECKING:
    from erpsync.state import StateStore

SandboxScale = Literal["tiny", "small", "medium", "large"]
# Beside the sandbox company: which one `erpsync sandbox init` made last.
SANDBOX_MADE = "company.json"

__all__ = [
    "Direction",
    "DirectionSettings",
    "NotificationSettings",
    "PrefectSettings",
    "SandboxSettings",
    "Settings",
    "StateSettings",
    "SyncSettings",
    "UdfField",
    "load_settings",
]

DEFAULT_CONFIG_NAME = "erpsync.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StateSettings(_Section):
    # SQLite by default; PostgreSQL by URL (postgresql+psycopg://user@host/db).
    url: str = "sqlite:///.erpsync/state.db"
    # The connection this configuration syncs (one ERP company and its platform): its
    # runs, watermarks and linkages are kept apart from other companies' in a shared state
    # database, and one run of it at a time holds its lease. Empty: erp.company.
    company: str = Field("", max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    # A run renews its lease every third of this; a run that died blocks the company for
    # at most this long.
    lease_seconds: float = Field(120.0, gt=0)


class SandboxSettings(_Section):
    dir: Path = Path(".erpsync/sandbox")
    scale: SandboxScale = "small"
    seed: int = 42
    # Calls per window for the token the engine is given; 0 = unlimited.
    rate_limit_calls: int = Field(0, ge=0)
    rate_limit_window_seconds: int = Field(900, gt=0)


class SyncSettings(_Section):
    # Re-read this much before the watermark: rows committed late with an older stamp
    # are still seen; the payload hash keeps the re-read rows from being written again.
    overlap_seconds: int = Field(300, ge=0)
    # Warehouses whose stock goes to the platform; empty = all.
    warehouses: list[str] = Field(default_factory=list)
    # Connector Account.Default Location: miscellaneous, charge and comment items get it.
    default_location: str = "000"
    # Price level blank on a customer -> this customer type (step 16).
    default_customer_type: str = "STD"
    # Connector.Ship Via: an order downloaded without a ship via gets this one (step 22).
    default_ship_via: str = "UPS GROUND"
    # Years of transactions the initial seed brings.
    seed_years: int = Field(3, ge=0, le=50)
    # Sage A/R "Sales Tax Reporting": the tax-exempt number lives on the first ship-to's
    # exemption instead of the customer record (seed 003).
    sales_tax_reporting: bool = False
    # Division of customers created from the platform.
    new_customer_division: str = Field("00", pattern=r"^\d{2}$")
    # The gate decides per record. Its circuit breaker: when more than this share of an
    # upload batch of at least breaker_min_records fails, the entity's upload is held back
    # as a systemic fault (a mapping, a missing code table), nothing of it written.
    max_quarantine_share: float = Field(0.5, ge=0, le=1)
    breaker_min_records: int = Field(20, ge=1)
    # A UDF_ column of AR_Customer, SO_ShipToAddress and AR_CustomerContact holding the
    # platform id: set on create and looked up before one, besides the write intents
    # (state) that make creates exactly-once without it. Empty: no UDF of erpsync's own.
    platform_id_udf: str = Field("", pattern=r"^$|^UDF_[A-Za-z0-9_]+$")


Side = Literal["erp", "platform"]


def _both_sides() -> list[Side]:
    return ["erp", "platform"]


class Direction(_Section):
    """Seed 004's two-way sync matrix for one entity."""

    # Which side may create records the other side then receives.
    create: list[Side] = Field(default_factory=lambda: _both_sides())
    # Whose updates are carried to the other side.
    update: list[Side] = Field(default_factory=lambda: _both_sides())
    # Wins when both sides changed the same record since the last sync.
    master: Side = "erp"
    # Fields the platform updates even when `update` is ERP-only (e.g. custom fields).
    platform_fields: list[str] = Field(default_factory=list)

    def platform_updates(self, field: str) -> bool:
        return "platform" in self.update or field in self.platform_fields

    def erp_updates(self, field: str) -> bool:
        return "erp" in self.update and not (
            "platform" not in self.update and field in self.platform_fields
        )


class DirectionSettings(_Section):
    # Customers: created on either side, updated from the ERP except their custom fields.
    customers: Direction = Field(
        default_factory=lambda: Direction(update=["erp"], platform_fields=["custom_fields"])
    )
    ship_tos: Direction = Field(default_factory=Direction)
    contacts: Direction = Field(default_factory=Direction)


class OrderSettings(_Section):
    """Sales-order import (the questionnaire's "fields to set on sales order imports")."""

    # G/L AccountKeys for a new line whose item brings none (seed 003).
    default_sales_account: str = ""
    default_cogs_account: str = ""
    # Orders of customers on credit hold are quarantined instead of imported.
    reject_credit_hold: bool = True
    # A UDF_ column of SO_SalesOrderHeader (and its history) holding the platform order
    # id: set on import and looked up before one, besides the write intents (state) that
    # make imports exactly-once without it. Empty: no UDF of erpsync's own.
    platform_id_udf: str = Field("", pattern=r"^$|^UDF_[A-Za-z0-9_]+$")


class PaymentSettings(_Section):
    """Cash receipts for invoice payments (the questionnaire's cash-receipt settings)."""

    # The deposit (batch) web payments are entered in.
    deposit_no: str = Field("WEB01", max_length=5)
    payment_type: str = Field("VISA", max_length=5)
    # Cash account AccountKey; empty: the payment type's own.
    cash_account: str = ""
    # A UDF_ column of AR_CashReceiptsHeader holding the platform payment id: set on
    # entry and looked up before one, besides the write intents (state) that make
    # receipts exactly-once without it. Empty: no UDF of erpsync's own.
    platform_id_udf: str = Field("", pattern=r"^$|^UDF_[A-Za-z0-9_]+$")


class PrefectSettings(_Section):
    # Empty: use PREFECT_API_URL if set, else a temporary local server for the command.
    api_url: str = ""
    home: Path = Path(".erpsync/prefect")
    # Database of a server `erpsync serve` starts; empty = SQLite in `home`.
    server_database_url: SecretRef | None = None
    # Where the server `erpsync serve` starts listens (--host/--port override).
    server_host: str = "127.0.0.1"
    server_port: int = Field(4200, ge=1, le=65535)
    # The incremental deployment's schedule.
    incremental_interval_seconds: int = Field(600, ge=10)
    # Upload steps run as runs of this deployment ("erp-writes/abc"), on a work pool whose
    # worker runs on the ERP's server (Sage 100's BOI is COM there); empty: in the run.
    erp_write_deployment: str = Field("", pattern=r"^$|^[^/]+/[^/]+$")
    # How long a run waits for its ERP writes before it fails those steps.
    erp_write_timeout_seconds: int = Field(1800, ge=10)


class UdfField(_Section):
    """One UDF of the company and the platform custom field it carries."""

    field: str = Field(min_length=1, max_length=80)
    direction: Literal["both", "down", "up"] = "both"


class NotificationSettings(_Section):
    """Where failed, crashed and overdue runs are reported (Prefect automations)."""

    # A URL that gets a JSON POST {"subject", "text"}; by reference (it carries a token).
    webhook: SecretRef | None = None
    # Or an existing Prefect notification block, "<block-type>/<name>" (e-mail, Slack...).
    block: str = Field("", pattern=r"^$|^[a-z0-9-]+/[A-Za-z0-9_. -]+$")
    # A run still going this long after it started is reported as overdue.
    overdue_minutes: float = Field(30.0, gt=0)

    @property
    def target(self) -> str:
        """Where notifications go, as shown to ops (never the webhook's URL)."""
        if self.block:
            return f"block {self.block}"
        return f"webhook {self.webhook.describe()}" if self.webhook else "nowhere"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ERPSYNC_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    erp: Sage100Settings = Field(default_factory=Sage100Settings)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)
    state: StateSettings = Field(default_factory=StateSettings)
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    prefect: PrefectSettings = Field(default_factory=PrefectSettings)
    directions: DirectionSettings = Field(default_factory=DirectionSettings)
    orders: OrderSettings = Field(default_factory=OrderSettings)
    payments: PaymentSettings = Field(default_factory=PaymentSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    # The company's UDFs that carry platform custom fields, per platform entity
    # ("items", "customers", ...): UDF_ column -> custom field name (both directions where
    # the entity syncs both ways), or {field = ..., direction = "down" | "up" | "both"}.
    # Empty on the embedded sandbox company: the sandbox's own UDFs.
    udf_fields: dict[str, dict[str, str | UdfField]] = Field(default_factory=dict)
    # Directory relative paths resolve against (the config file's directory).
    root: Path = Path(".")

    @field_validator("root")
    @classmethod
    def _absolute_root(cls, value: Path) -> Path:
        return value.resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file, which is passed in as init kwargs by load_settings.
        return (env_settings, init_settings)

    # --- derived locations -------------------------------------------------------------
    def path(self, value: Path | str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else (self.root / p)

    def sqlite_url(self, url: str) -> str:
        """A SQLite URL with its relative file path made absolute against `root`."""
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            rest = url[len(prefix) :]
            if rest and rest != ":memory:":
                return prefix + str(self.path(rest))
        return url

    @property
    def sandbox_dir(self) -> Path:
        return self.path(self.sandbox.dir)

    @property
    def sandbox_scale(self) -> str:
        """The sandbox company in use: the scale the configuration names, else the one
        `erpsync sandbox init` last made (recorded beside it), else the default."""
        if "scale" in self.sandbox.model_fields_set:
            return self.sandbox.scale
        try:
            made = json.loads((self.sandbox_dir / SANDBOX_MADE).read_text())
            scale = str(made["scale"])
        except (OSError, ValueError, KeyError, TypeError):
            return self.sandbox.scale
        return scale if scale in typing.get_args(SandboxScale) else self.sandbox.scale

    @property
    def sandbox_erp_path(self) -> Path:
        return self.sandbox_dir / f"sage100-{self.sandbox_scale}.db"

    @property
    def sandbox_platform_path(self) -> Path:
        return self.sandbox_dir / "platform.db"

    @property
    def uses_sandbox_erp(self) -> bool:
        return not self.erp.url and self.erp.odbc is None

    @property
    def uses_embedded_platform(self) -> bool:
        return self.platform.url == "embedded"

    @property
    def erp_url(self) -> str:
        """SQLAlchemy URL of the ERP company database (not for ODBC connection strings)."""
        if self.uses_sandbox_erp:
            return f"sqlite:///{self.sandbox_erp_path}"
        return self.sqlite_url(SecretRef.coerce(self.erp.url).resolve().get_secret_value())

    @property
    def state_url(self) -> str:
        return self.sqlite_url(SecretRef.coerce(self.state.url).resolve().get_secret_value())

    @property
    def prefect_home(self) -> Path:
        return self.path(self.prefect.home)

    @field_validator("udf_fields")
    @classmethod
    def _udf_columns(
        cls, value: dict[str, dict[str, str | UdfField]]
    ) -> dict[str, dict[str, str | UdfField]]:
        for entity, columns in value.items():
            for column in columns:
                if not column.startswith("UDF_"):
                    raise ValueError(f"{entity}: {column!r} is not a UDF_ column")
        return value

    def udfs(self, entity: str, direction: Literal["down", "up"]) -> dict[str, str]:
        """UDF column -> platform custom field for `entity` in `direction`."""
        configured = self.udf_fields
        if not configured and self.uses_sandbox_erp:
            from sandbox.sage100.layout import UDF_FIELDS  # the dev kit: sandbox only

            configured = {e: dict(c) for e, c in UDF_FIELDS.items()}
        out: dict[str, str] = {}
        for column, target in configured.get(entity, {}).items():
            spec = target if isinstance(target, UdfField) else UdfField(field=target)
            if spec.direction in ("both", direction):
                out[column] = spec.field
        return out

    @property
    def company(self) -> str:
        """The company id state, leases and deployments are kept under."""
        return self.state.company or self.erp.company

    def state_store(self) -> StateStore:
        from erpsync.state import StateStore

        return StateStore(self.state_url, self.company)


def _format_validation_error(source: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    return f"{source}: " + "; ".join(parts)


def load_settings(config_path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read, merge and validate the configuration; ConfigError names the bad setting."""
    explicit = config_path or os.environ.get("ERPSYNC_CONFIG")
    path = Path(explicit) if explicit else Path.cwd() / DEFAULT_CONFIG_NAME
    data: dict[str, Any] = {}
    if path.exists():
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    elif explicit:
        raise ConfigError(f"{path}: configuration file not found")
    data.setdefault("root", str(path.parent.resolve()))
    for key, value in overrides.items():
        section, _, field = key.partition("__")
        if field:
            data.setdefault(section, {})[field] = value
        else:
            data[key] = value
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(str(path), exc)) from None
