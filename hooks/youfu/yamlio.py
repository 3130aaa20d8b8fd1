"""Reading data files: bytes → text → YAML values, keeping the line of every value.

PyYAML's safe composer gives each node a start mark; we build plain Python values
from the nodes ourselves so that we can remember, for every path inside a document
(`(0, "region", "city")`), the line it stands on. Duplicate keys, which PyYAML would
silently collapse, are reported. Nothing here raises on bad input: problems are
returned for the caller to collect.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Path_ = tuple[Any, ...]

BOM = "\ufeff"
MAX_BYTES = 5 * 1024 * 1024  # a data file larger than this is a mistake, not data


@dataclass
class Loaded:
    """A parsed YAML document with the line of each value, by path."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    reported: set[Path_] = field(default_factory=set)  # paths whose value the reader rejected

    def line_of(self, path: Path_) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8; a BOM is dropped, other encodings are refused."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(path=shown, line=1, message=f"file must be readable ({err.strerror})")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(path=shown, line=1,
                              message=f"file must be smaller than {MAX_BYTES // (1024 * 1024)} MB "
                                      f"(it has {len(raw):,} bytes); split it")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(path=shown, line=line,
                              message=f"file must be saved as UTF-8 (byte 0x{raw[err.start]:02x} is not UTF-8; "
                                      "was it saved as GBK/GB2312? re-save it as UTF-8)")]
    if text.startswith(BOM):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(path=shown, line=line, message="file must be text (it contains a NUL byte)")]
    return text, []


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Loaded | None, list[Problem]]:
    """Parse one YAML document. `first_line` is the file line the text starts on."""
    offset = first_line - 1
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text[: tab.start()].count("\n") + 1 + offset
        return None, [Problem(path=shown, line=line, message="indentation must use spaces, not tabs")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        what = (err.problem or "invalid YAML").strip()
        context = f" ({err.context.strip()})" if err.context else ""
        return None, [Problem(path=shown, line=line, message=f"YAML syntax must be valid: {what}{context}")]
    except yaml.YAMLError as err:  # e.g. a control character the reader refuses
        mark = getattr(err, "position", None)
        line = (text[:mark].count("\n") + 1 if isinstance(mark, int) else 1) + offset
        return None, [Problem(path=shown, line=line, message=f"YAML must be valid text: {err}")]
    if node is None:
        return Loaded(None, {(): first_line}), []
    builder = _Builder(shown, offset)
    value = builder.build(node, ())
    return Loaded(value, builder.lines, builder.reported), builder.problems


class _Builder:
    """Turns composed nodes into Python values, recording lines and duplicate keys."""

    def __init__(self, shown: str, offset: int):
        self.shown = shown
        self.offset = offset
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.reported: set[Path_] = set()
        self.constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self.constructor)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1 + self.offset)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return self._timestamp(node, path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as err:
            self._problem(node, f"value must be plain YAML ({getattr(err, 'problem', err)})")
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "merge keys (<<) must not be used; write each key out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "keys must be plain words, not lists or mappings")
                continue
            key = key_node.value
            if key in out:
                first = self.lines[path + (key,)]
                self._problem(key_node, f"key {key} must appear only once in a mapping (first at line {first})")
                continue
            self.lines[path + (key,)] = key_node.start_mark.line + 1 + self.offset
            out[key] = self.build(value_node, path + (key,))
        return out

    def _timestamp(self, node: yaml.ScalarNode, path: Path_) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:
            self._problem(node, f"date {node.value} must be a real calendar date (YYYY-MM-DD)")
            self.reported.add(path)
            return None

    def _problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(path=self.shown, line=node.start_mark.line + 1 + self.offset, message=message))


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, line the body starts on)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    body_line = text[: match.end()].count("\n") + 1
    return match.group(1) or "", text[match.end():], body_line
