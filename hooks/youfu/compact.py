"""Smaller pages: the theme's templates leave long runs of blank lines and indentation
between tags (a third of a report page). Every run of whitespace that holds a line
break becomes one line break, except inside <pre>, <textarea> and <script>, where
whitespace is content. Browsers render the result the same: outside those elements
a run of whitespace counts as one space either way.
"""
from __future__ import annotations

import re

_KEEP = re.compile(r"(<(pre|textarea|script)\b.*?</\2\s*>)", re.S | re.I)
_BLANK = re.compile(r"[ \t\r\f]*\n\s*")


def compact(page_html: str) -> str:
    parts = _KEEP.split(page_html)
    # split() with two groups yields: text, whole kept element, its tag name, text, …
    out = []
    for index in range(0, len(parts), 3):
        out.append(_BLANK.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)
