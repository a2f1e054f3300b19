"""Cursor paging with a stop contract: ask `has_more`, request with `next`, `advance`.

The platform pages by an opaque keyset cursor: each page carries the cursor of the next
one, null on the last. A cursor seen before means the platform would hand the same pages
round forever, so it stops the read with an error instead.
"""

from __future__ import annotations

from connectors.platform.errors import PaginationLoop

__all__ = ["CursorPaginator"]


class CursorPaginator:
    def __init__(self, label: str = "platform read") -> None:
        self._label = label
        self._next: str | None = None
        self._seen: set[str] = set()
        self._done = False
        self.pages = 0

    @property
    def has_more(self) -> bool:
        return not self._done

    @property
    def next(self) -> str | None:
        """The cursor to send for the next page; None for the first page."""
        return self._next

    def advance(self, next_cursor: str | None) -> None:
        """Record the cursor a page ended with (None: that was the last page)."""
        if self._done:
            raise RuntimeError(f"{self._label}: advance() after the last page")
        self.pages += 1
        if next_cursor is None:
            self._done = True
            return
        if next_cursor in self._seen:
            raise PaginationLoop(
                f"{self._label}: the platform returned cursor {next_cursor[:40]!r} again "
                f"after {self.pages} pages; stopped to avoid an endless loop"
            )
        self._seen.add(next_cursor)
        self._next = next_cursor
