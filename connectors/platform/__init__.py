"""The platform connector: an httpx client for the B2B commerce/CRM platform's API.

client.py (PlatformClient), transport.py (the one retry layer), errors.py (the failure
table and exceptions), paginator.py (cursor paging), models.py (results and statistics),
resources.py (the platform resources and their natural keys), settings.py (`[platform]`).
"""

from __future__ import annotations

from connectors.platform.client import PlatformClient
from connectors.platform.errors import (
    PaginationLoop,
    PlatformAuthError,
    PlatformError,
    PlatformRateLimited,
    PlatformUnavailable,
)
from connectors.platform.models import ClientStats, Page, RecordResult, UpsertResult
from connectors.platform.paginator import CursorPaginator
from connectors.platform.resources import RESOURCES, Resource, resource
from connectors.platform.settings import PlatformSettings
from connectors.platform.transport import RetryTransport

__all__ = [
    "RESOURCES",
    "ClientStats",
    "CursorPaginator",
    "Page",
    "PaginationLoop",
    "PlatformAuthError",
    "PlatformClient",
    "PlatformError",
    "PlatformRateLimited",
    "PlatformSettings",
    "PlatformUnavailable",
    "RecordResult",
    "Resource",
    "RetryTransport",
    "UpsertResult",
    "resource",
]
