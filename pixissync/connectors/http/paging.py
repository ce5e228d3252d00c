"""Pagination styles, each a small class with loop detection.

A paginator walks one list endpoint and yields records. It stops on the style's
own end signal, and raises :class:`~pixissync.errors.PermanentError` when a
server sends the same page twice (same page token, or the same records again)
instead of looping forever — a real failure mode of APIs whose ordering is not
stable or whose ``next`` link points back.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

from pixissync.connectors.http.client import RestClient
from pixissync.errors import PermanentError


def dig(body: Any, path: str) -> Any:
    """The value at a dotted path in a JSON body (``"data.jobs"``); ``None`` if absent."""
    for part in path.split(".") if path else ():
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body


class Paginator(ABC):
    """Base class: subclasses say how to ask for the next page and when to stop.

    Args:
        client: the connection's :class:`RestClient`.
        path: the list endpoint.
        params: query parameters sent with every page (filters).
        records_path: dotted path of the record list in the body ('' = the body).
        page_size: records per page.
        max_pages: a hard stop, in case a server never signals the end.
    """

    def __init__(
        self,
        client: RestClient,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        records_path: str = "",
        page_size: int = 100,
        max_pages: int = 100_000,
    ) -> None:
        self.client = client
        self.path = path
        self.params = dict(params or {})
        self.records_path = records_path
        self.page_size = page_size
        self.max_pages = max_pages
        self.pages_read = 0

    # hooks -----------------------------------------------------------------
    def first(self) -> tuple[str, dict[str, Any]]:
        """URL and params of the first page."""
        return self.path, {**self.params, **self.page_params(None)}

    def page_params(self, token: Any) -> dict[str, Any]:
        """Params that select the page named by ``token`` (``None`` = first)."""
        return {}

    @abstractmethod
    def next(
        self, body: Any, records: list[dict[str, Any]], url: str, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        """URL and params of the page after this one, or ``None`` at the end."""

    # walking ---------------------------------------------------------------
    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in self.pages():
            yield from page

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """Yield one list of records per page."""
        seen_requests: set[str] = set()
        seen_pages: set[str] = set()
        request: tuple[str, dict[str, Any]] | None = self.first()
        while request is not None:
            url, params = request
            key = url + "?" + json.dumps(params, sort_keys=True, default=str)
            if key in seen_requests:
                raise PermanentError(
                    f"{self.client.system}: pagination loop on {self.path}: page {key} asked twice"
                )
            seen_requests.add(key)
            if self.pages_read >= self.max_pages:
                raise PermanentError(
                    f"{self.client.system}: {self.path} did not end after {self.max_pages} pages"
                )
            body = self.client.get_json(url, params=params)
            self.pages_read += 1
            records = dig(body, self.records_path)
            if records is None:
                records = []
            if not isinstance(records, list):
                raise PermanentError(
                    f"{self.client.system}: {self.path}: expected a list at "
                    f"{self.records_path or 'the top'}, got {type(records).__name__}"
                )
            if records:
                # The first and last records and the count identify a page well enough
                # to see a repeat, without serialising every page again.
                edge = [len(records), records[0], records[-1]]
                digest = hashlib.sha256(
                    json.dumps(edge, sort_keys=True, default=str).encode()
                ).hexdigest()
                if digest in seen_pages:
                    raise PermanentError(
                        f"{self.client.system}: pagination loop on {self.path}: "
                        f"page {self.pages_read} repeats an earlier page"
                    )
                seen_pages.add(digest)
                yield records
            request = self.next(body, records, url, params)


class PageNumberPaginator(Paginator):
    """``page`` (1-based) and ``limit``; the body says ``totalPages`` (ServiceTrade)."""

    total_pages_path = "data.totalPages"

    def page_params(self, token: Any) -> dict[str, Any]:
        return {"page": 1 if token is None else token, "limit": self.page_size}

    def next(
        self, body: Any, records: list[dict[str, Any]], url: str, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        total = dig(body, self.total_pages_path)
        page = int(params["page"])
        if not records or total is None or page >= int(total):
            return None
        return url, {**params, "page": page + 1}


class PageTotalCountPaginator(Paginator):
    """``page`` and ``limit``; the body has ``items`` with ``totalCount`` or ``hasMore``.

    BuildOps answers ``{items, totalCount}``; other systems answer ``hasMore``:
    both are read, so a server that sends either ends the walk correctly.
    """

    first_page = 1

    def page_params(self, token: Any) -> dict[str, Any]:
        return {"page": self.first_page if token is None else token, "limit": self.page_size}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._count = 0

    def next(
        self, body: Any, records: list[dict[str, Any]], url: str, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        self._count += len(records)
        if not records:
            return None
        has_more = dig(body, "hasMore")
        total = dig(body, "totalCount")
        if has_more is False or (total is not None and self._count >= int(total)):
            return None
        return url, {**params, "page": int(params["page"]) + 1}


class NextUrlPaginator(Paginator):
    """``{results, next}``: follow the absolute ``next`` URL until it is null (Rhumbix)."""

    def page_params(self, token: Any) -> dict[str, Any]:
        return {"page_size": self.page_size}

    def next(
        self, body: Any, records: list[dict[str, Any]], url: str, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        link = dig(body, "next")
        if not link:
            return None
        # The next URL carries every parameter already.
        return str(link), {}


class TopSkipPaginator(Paginator):
    """OData ``$top``/``$skip``; a short page is the last one (Acumatica)."""

    def page_params(self, token: Any) -> dict[str, Any]:
        return {"$top": self.page_size, "$skip": 0 if token is None else token}

    def next(
        self, body: Any, records: list[dict[str, Any]], url: str, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        if len(records) < self.page_size:
            return None
        return url, {**params, "$skip": int(params["$skip"]) + len(records)}
