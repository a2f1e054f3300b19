"""Which Sage 100 write path a run uses.

Writes go through the Business Object Interface only. On the Sage server (or a workstation
with Sage's workstation components) `[erp.boi]` names the MAS90 home and the Sage user,
and the BOI is driven over COM (connectors/sage100/boi_com.py). The sandbox company is
written by the sandbox's BOI, which applies the same rules to its database. Anything else
(a real company read over ODBC or SQL Server without `[erp.boi]`) refuses to write rather
than fall back to SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.sage100.boi import SageSession
from erpsync.config import Settings
from erpsync.devkit import require_sandbox
from erpsync.errors import ConfigError

__all__ = ["session_factory"]

_SANDBOX_DIALECTS = ("sqlite", "postgresql")


def session_factory(settings: Settings) -> Callable[[], SageSession]:
    boi = settings.erp.boi
    if boi is not None:

        def open_com() -> SageSession:
            from connectors.sage100.boi_com import open_com_session

            return open_com_session(boi.model_copy(update={"company": settings.erp.company}))

        return open_com

    def refuse() -> SageSession:
        raise ConfigError(
            "erp.boi: writing into this Sage 100 company needs the Business Object "
            "Interface on the Sage server ([erp.boi] home, user, password); reads work, "
            "uploads do not"
        )

    if settings.erp.odbc is not None:
        return refuse
    url = settings.erp_url
    if url.split(":", 1)[0].split("+", 1)[0] not in _SANDBOX_DIALECTS:
        return refuse

    def open_sandbox() -> SageSession:
        require_sandbox("writing into the sandbox company")
        from sandbox.sage100.boi import open_session

        return open_session(url, company=settings.erp.company)

    return open_sandbox
