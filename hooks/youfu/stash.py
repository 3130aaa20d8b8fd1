"""Rendered page bodies kept compressed between MkDocs' two passes.

MkDocs 1.x renders the Markdown of every page first and only then writes the pages
one by one, so every page's Markdown source and HTML body are in memory together
(at 10,000 reports, several hundred MB). The hook puts each body here as soon as it
is rendered (zlib level 1: Chinese HTML shrinks about four times, fast) and takes it
back just before the page is written.
"""
from __future__ import annotations

import zlib


class Stash:
    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}

    def put(self, key: str, body: str) -> None:
        self._bodies[key] = zlib.compress(body.encode("utf-8"), 1)

    def take(self, key: str) -> str | None:
        """The body put under `key` (once), or None."""
        packed = self._bodies.pop(key, None)
        return None if packed is None else zlib.decompress(packed).decode("utf-8")

    def clear(self) -> None:
        self._bodies.clear()

    def __len__(self) -> int:
        return len(self._bodies)
