"""The notes of one page: each qualifier's evidence is printed once, numbered, at the end.

A mark in the text ("推断，见注2") links to its note. Templates add notes while they render
(`notes.ref(text)` gives the number) and print `notes.items` last; a new `Notes` is made
for every page rendered, so numbers start at 1 on each page.
"""
from __future__ import annotations


class Notes:
    def __init__(self) -> None:
        self._items: list[str] = []

    def ref(self, text: str) -> int:
        """The number of the note saying `text` (the same text gets the same number)."""
        if text not in self._items:
            self._items.append(text)
        return self._items.index(text) + 1

    @property
    def items(self) -> list[tuple[int, str]]:
        return list(enumerate(self._items, start=1))

    def __bool__(self) -> bool:
        return bool(self._items)
