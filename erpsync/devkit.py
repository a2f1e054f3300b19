"""The development kit (dev/: the embedded sandboxes) is not part of the product.

A production install has no `sandbox` package: commands that need the embedded Sage 100
company or the platform sandbox say so in one line instead of an ImportError.
"""

from __future__ import annotations

import importlib.util

from erpsync.errors import ConfigError

__all__ = ["require_sandbox"]


def require_sandbox(what: str) -> None:
    """Raise ConfigError naming `what` needs the sandbox when erpsync-dev is not installed."""
    if importlib.util.find_spec("sandbox") is None:
        raise ConfigError(
            f"{what} needs the embedded sandbox, which is part of the development kit "
            "(pip install ./dev, or `make install` in a clone); point erp.url/erp.odbc and "
            "platform.url at real systems to run without it"
        )
