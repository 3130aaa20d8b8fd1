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
MAX_ALIAS_VALUES = 10_000  # values that aliases may add to a file


@dataclass
class Loaded:
    """A parsed YAML document with the line of each value, by path."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    reported: set[Path_] = field(default_factory=set)  # paths whose value the reader rejected
    merged: set[Path_] = field(default_factory=set)  # mappings whose merge key (<<) was refused

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
    text = text.replace("\r\n", "\n")  # files saved on Windows
    control = _CONTROL.search(text)
    if control:
        line = text[: control.start()].count("\n") + 1
        what = "a NUL byte" if control.group() == "\x00" else f"the control character U+{ord(control.group()):04X}"
        return None, [Problem(path=shown, line=line, message=f"file must be text (it contains {what})")]
    return text, []


# libyaml's parser when PyYAML was built with it (10× faster, same nodes and marks).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_TAB_INDENT = re.compile(r"^[ \-]*\t", re.MULTILINE)
_WIDE_INDENT = re.compile(r"^[ \-]*\u3000", re.MULTILINE)
_WIDE_COLON = re.compile(r"^[ \-]*[A-Za-z_][A-Za-z0-9_]*[ ]*：", re.MULTILINE)


def _line_checks(text: str) -> tuple[re.Match | None, str]:
    """Mistakes that Chinese input methods make easy, told in plain words."""
    for pattern, message in (
        (_TAB_INDENT, "indentation must use spaces, not tabs"),
        (_WIDE_INDENT, "indentation must use spaces, not full-width spaces (U+3000)"),
        (_WIDE_COLON, "YAML syntax must be valid: a key must be followed by an ASCII colon ':' "
                      "(a full-width '：' found)"),
    ):
        match = pattern.search(text)
        if match:
            return match, message
    return None, ""


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Loaded | None, list[Problem]]:
    """Parse one YAML document. `first_line` is the file line the text starts on."""
    offset = first_line - 1
    found, message = _line_checks(text)
    if found:
        line = text[: found.start()].count("\n") + 1 + offset
        return None, [Problem(path=shown, line=line, message=message)]
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # Parse again with the pure-Python parser: its messages and marks are
            # clearer (and stable), and errors are rare enough for the time it takes.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.composer.ComposerError as err:
        if "single document" in str(err) and err.problem_mark:
            return None, [Problem(path=shown, line=err.problem_mark.line + 1 + offset,
                                  message="file must hold a single YAML document (remove the --- line)")]
        return None, [_syntax_problem(err, shown, offset)]
    except yaml.MarkedYAMLError as err:
        return None, [_syntax_problem(err, shown, offset)]
    except yaml.YAMLError as err:  # e.g. a control character the reader refuses
        mark = getattr(err, "position", None)
        line = (text[:mark].count("\n") + 1 if isinstance(mark, int) else 1) + offset
        return None, [Problem(path=shown, line=line, message=f"YAML must be valid text: {err}")]
    if node is None:
        return Loaded(None, {(): first_line}), []
    builder = _Builder(shown, offset)
    value = builder.build(node, ())
    return Loaded(value, builder.lines, builder.reported, builder.merged), builder.problems


def _syntax_problem(err: yaml.MarkedYAMLError, shown: str, offset: int) -> Problem:
    mark = err.problem_mark or err.context_mark
    what = (err.problem or "invalid YAML").strip()
    # Something left open (a bracket, a quote) is reported where the file ends;
    # the editor needs the line where it was opened.
    if err.context_mark is not None and ("end of stream" in what or "<stream end>" in what):
        mark = err.context_mark
    line = (mark.line + 1 if mark else 1) + offset
    context = f" ({err.context.strip()})" if err.context else ""
    return Problem(path=shown, line=line, message=f"YAML syntax must be valid: {what}{context}")


class _Builder:
    """Turns composed nodes into Python values, recording lines and duplicate keys."""

    def __init__(self, shown: str, offset: int):
        self.shown = shown
        self.offset = offset
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.reported: set[Path_] = set()
        self.merged: set[Path_] = set()  # mappings that used a merge key (their missing keys are not news)
        self.seen: set[int] = set()
        self.expanded = 0
        self.exploded = False
        self.constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self.constructor)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1 + self.offset)
        if id(node) in self.seen:
            # A value reached again through an alias (*name). Sharing is fine, but a few
            # lines of nested aliases can expand into millions of values ("billion laughs").
            self.expanded += 1
            if self.expanded > MAX_ALIAS_VALUES:
                if not self.exploded:
                    self.exploded = True
                    self._problem(node, f"aliases (*name) must not expand into more than {MAX_ALIAS_VALUES:,} "
                                        "values; write the values out", path)
                return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return self._timestamp(node, path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as err:
            self._problem(node, f"value must be plain YAML ({getattr(err, 'problem', err)})", path)
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "merge keys (<<) must not be used; write each key out")
                self.merged.add(path)
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
            self._problem(node, f"date {node.value} must be a real calendar date (YYYY-MM-DD)", path)
            return None

    def _problem(self, node: yaml.Node, message: str, path: Path_ | None = None, at_line: int | None = None) -> None:
        line = at_line or node.start_mark.line + 1 + self.offset
        self.problems.append(Problem(path=self.shown, line=line, message=message))
        if path is not None:
            self.reported.add(path)


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, line the body starts on)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    body_line = text[: match.end()].count("\n") + 1
    return match.group(1) or "", text[match.end():], body_line
