"""The httpx layer shared by the REST connectors: client, auth flows and pagination."""

from __future__ import annotations

from pixissync.connectors.http.client import RestClient, RetryPolicy, system_message
from pixissync.connectors.http.paging import (
    NextUrlPaginator,
    PageNumberPaginator,
    PageTotalCountPaginator,
    Paginator,
    TopSkipPaginator,
)

__all__ = [
    "NextUrlPaginator",
    "PageNumberPaginator",
    "PageTotalCountPaginator",
    "Paginator",
    "RestClient",
    "RetryPolicy",
    "TopSkipPaginator",
    "system_message",
]
