"""Reading data files: bytes → text → YAML values, keeping the line of every value.

Every file may have been written by someone careless or hostile, so reading is
defensive from the first system call: only regular files inside the repository are
opened (a FIFO would block, /dev/zero would never end), their size is checked before
reading, and no more than the limit is ever read.

PyYAML's safe composer gives each node a start mark; we build plain Python values
from the nodes ourselves so that we can remember, for every path inside a document
(`(0, "region", "city")`), the line it stands on. While building, the surprises of
YAML 1.1 are refused (`010` is 8, `1:20` is 80, `.nan`, `0x1F`), as are nesting
deeper than `MAX_DEPTH`, aliases that expand too far, and characters that cannot
be seen or that no web page may hold. Duplicate keys, which PyYAML would silently
collapse, are reported. Nothing here raises on bad input: problems are returned
for the caller to collect.
"""
from __future__ import annotations

import errno
import functools
import gc
import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Path_ = tuple[Any, ...]

BOM = "\ufeff"
MAX_BYTES = 5 * 1024 * 1024  # a data file larger than this is a mistake, not data
MAX_ALIAS_VALUES = 10_000  # values that aliases may add to a file
MAX_ALIAS_CHARS = 100_000  # characters that aliases may add to a file (keys and text of the values)
MAX_DEPTH = 20  # lists and mappings inside each other; real data needs 6
MAX_DIGITS = 15  # digits of a whole number; figures stay below 10**15
_PY_FALLBACK_CHARS = 128 * 1024  # re-parse with the pure-Python parser (for its message) only below this


@dataclass
class Loaded:
    """A parsed YAML document with the line of each value, by path."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    reported: set[Path_] = field(default_factory=set)  # paths whose value the reader rejected
    merged: set[Path_] = field(default_factory=set)  # mappings with a refused key (merge key <<, a bad key)
    words: dict[Path_, str] = field(default_factory=dict)  # yes/no/on/off as written, where YAML made a bool of them

    def line_of(self, path: Path_) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


# ---------------------------------------------------------------------------
# Characters: invisible, direction-changing, control
# ---------------------------------------------------------------------------

# Characters that do not show, or that reorder what is shown (U+202E turns "txt.exe"
# into "exe.txt" on screen): a name holding one is not the name the reader sees.
_INVISIBLE: dict[int, str] = {
    0x00AD: "软连字符", 0x034F: "组合用字形连接符", 0x061C: "阿拉伯字母标记", 0x115F: "韩文初声填充符",
    0x1160: "韩文中声填充符", 0x17B4: "高棉文元音符", 0x17B5: "高棉文元音符", 0x180E: "蒙古文元音分隔符",
    0x200B: "零宽空格", 0x200C: "零宽不连字", 0x200D: "零宽连字", 0x200E: "从左到右标记", 0x200F: "从右到左标记",
    0x2028: "行分隔符", 0x2029: "段落分隔符",
    0x202A: "从左到右嵌入", 0x202B: "从右到左嵌入", 0x202C: "结束方向格式", 0x202D: "从左到右覆盖",
    0x202E: "从右到左覆盖", 0x2060: "单词连接符", 0x2061: "不可见的函数应用符", 0x2062: "不可见的乘号",
    0x2063: "不可见的分隔符", 0x2064: "不可见的加号", 0x2066: "从左到右隔离", 0x2067: "从右到左隔离",
    0x2068: "第一强方向隔离", 0x2069: "结束方向隔离", 0x206A: "已废弃的格式字符", 0x206B: "已废弃的格式字符",
    0x206C: "已废弃的格式字符", 0x206D: "已废弃的格式字符", 0x206E: "已废弃的格式字符",
    0x206F: "已废弃的格式字符", 0x3164: "韩文填充符", 0xFEFF: "零宽不换行空格 BOM", 0xFFA0: "半角韩文填充符",
    0xFFF9: "行间注释字符", 0xFFFA: "行间注释字符", 0xFFFB: "行间注释字符",
}
_CONTROL_NAMES: dict[int, str] = {
    0x00: "空字符 NUL", 0x07: "响铃", 0x08: "退格", 0x0B: "垂直制表符", 0x0C: "换页符", 0x0D: "回车符",
    0x1B: "转义符 ESC", 0x7F: "删除符 DEL", 0x85: "下一行 NEL",
}
_INVISIBLE_CLASS = ("\u0080-\u009f" + "".join(re.escape(chr(c)) for c in _INVISIBLE)
                    + "\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f")
# In a file as written (raw control characters have their own, older rule in read_text).
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CLASS}]")
# In a value, where escapes ("\x07", "\u0000", "\ud800") can put anything: only tab and
# line feed of the controls; nothing that is not a whole character or not allowed in XML.
_UNSAFE_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff{_INVISIBLE_CLASS}]")


def describe_char(char: str) -> str:
    """`U+202E（从右到左覆盖）`: the code point and, in Chinese, what it is."""
    code = ord(char)
    if code in _CONTROL_NAMES:
        name = _CONTROL_NAMES[code]
    elif code in _INVISIBLE:
        name = _INVISIBLE[code]
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        name = "控制字符"
    elif 0xD800 <= code <= 0xDFFF:
        name = "半个代理对，不是完整的字符"
    elif 0xE0000 <= code <= 0xE007F:
        name = "标签字符"
    elif unicodedata.category(char) == "Cn":
        name = "非字符"
    else:
        name = unicodedata.name(char, "特殊字符")
    return f"U+{code:04X}（{name}）"


def unsafe_char(text: str) -> str | None:
    """The first character of `text` that a value must not hold, or None."""
    found = _UNSAFE_RE.search(text)
    return found.group() if found else None


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


# ---------------------------------------------------------------------------
# Reading a file
# ---------------------------------------------------------------------------

_KINDS = ((stat.S_ISFIFO, "命名管道 FIFO，读取它会一直等下去"), (stat.S_ISCHR, "字符设备"),
          (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字（socket）"))


def read_text(path: Path, shown: str, root: Path | None = None) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8; a BOM is dropped, other encodings are refused.

    Only a regular file inside `root` (the repository) is opened: a symbolic link may
    point at another file of the repository, never outside it (without `root`, no
    link is followed). A FIFO, device or socket is refused without being opened."""
    raw, problems = _read_bytes(path, shown, root)
    if raw is None:
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(path=shown, line=line,
                              message=f"文件必须以 UTF-8 编码保存（字节 0x{raw[err.start]:02x} 不是 UTF-8；"
                                      "可能存成了 GBK/GB2312，请另存为 UTF-8）")]
    if text.startswith(BOM):
        text = text[1:]
    # Files saved on Windows (CRLF) or old Macs (CR), or pasted together from both:
    # YAML counts a lone CR as a line break too, so lines are counted the same way.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        line = text[: control.start()].count("\n") + 1
        what = "空字节（NUL）" if control.group() == "\x00" else f"控制字符 U+{ord(control.group()):04X}"
        return None, [Problem(path=shown, line=line, message=f"文件必须是纯文本（这里有{what}）；请删去它，或用文本编辑器重新保存")]
    hidden = _invisible_lines(text, shown)
    if hidden:
        return None, hidden
    return text, []


def _invisible_lines(text: str, shown: str, limit: int = 20) -> list[Problem]:
    """One problem for each line (up to `limit`) holding a character that cannot be seen."""
    problems: list[Problem] = []
    last_line, last_at = 1, 0
    for found in _INVISIBLE_RE.finditer(text):
        line = last_line + text.count("\n", last_at, found.start())
        last_line, last_at = line, found.start()
        if problems and problems[-1].line == line:
            continue
        problems.append(Problem(path=shown, line=line, message=invisible_message(found.group())))
        if len(problems) >= limit:
            break
    return problems


def invisible_message(char: str, where: str = "") -> str:
    if _is_control(char):
        return (f"{where}不能含有控制字符 {describe_char(char)}：网页和订阅源 feed.xml 都容不下它；"
                "请删除它（或删除写出它的转义，如 \\x07、\\u0000）")
    return (f"{where}不能含有看不见的字符 {describe_char(char)}：读者看到的文字会和实际内容不一样；"
            "请删除它（可在编辑器里显示不可见字符后删除）")


def _read_bytes(path: Path, shown: str, root: Path | None) -> tuple[bytes | None, list[Problem]]:
    def refuse(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path=shown, line=1, message=message)]

    try:
        info = os.lstat(path)
    except OSError as err:
        return refuse(f"文件必须能读取（{err.strerror}）；请检查文件权限")
    linked = stat.S_ISLNK(info.st_mode)
    real = os.path.realpath(path) if linked else os.path.join(real_folder(str(path.parent)), path.name)
    if root is None:
        outside = linked  # no repository to stay inside: follow no link at all
    else:
        base = real_folder(str(root))
        outside = os.path.commonpath([base, real]) != base  # also through a linked folder
    if outside:
        target = os.readlink(path) if linked else real
        return refuse(f"不能是指向仓库之外的符号链接（指向 {_short(target, 200)}）；请把文件本身放进仓库，不要用链接")
    if linked:
        try:
            info = os.stat(path)
        except OSError as err:
            if err.errno == errno.ELOOP:
                return refuse("符号链接不能绕成环（链接最终又指回自己）；请把文件本身放在这里")
            return refuse(f"符号链接指向的文件必须存在（指向 {_short(os.readlink(path))}）；"
                          "请把文件本身放在这里")
    if stat.S_ISDIR(info.st_mode):
        return refuse("这里必须是文件，不能是文件夹")
    problem = _not_regular(info)
    if problem:
        return refuse(problem)
    if info.st_size > MAX_BYTES:
        return refuse(_too_big(info.st_size))
    # Opened without following a link and without blocking: if the file was swapped for
    # a link or a FIFO since it was looked at, that is seen here, not waited on.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(real, flags)
    except OSError as err:
        return refuse(f"文件必须能读取（{err.strerror}）；请检查文件权限")
    try:
        info = os.fstat(handle)
        problem = _not_regular(info)
        if problem or stat.S_ISDIR(info.st_mode):
            return refuse(problem or "这里必须是文件，不能是文件夹")
        chunks, size = [], 0
        while size <= MAX_BYTES:  # at most MAX_BYTES + 1: a file growing meanwhile cannot exhaust memory
            chunk = os.read(handle, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        return refuse(f"文件必须能读取（{err.strerror}）；请检查文件权限")
    finally:
        os.close(handle)
    if size > MAX_BYTES:
        return refuse(_too_big(max(size, info.st_size)))
    return b"".join(chunks), []


def check_tree(root: Path, folder: str) -> tuple[list[Problem], set[Path]]:
    """Entries under `folder` that no build may read: links leaving the repository or
    naming a folder, FIFOs, devices and sockets. MkDocs reads and copies every file of
    its docs folder and follows links as it goes, so they are refused before it starts.
    Returns the problems and the paths they concern (not to be read again)."""
    problems: list[Problem] = []
    flagged: set[Path] = set()
    base = os.path.realpath(root)
    stack = [root / folder]
    while stack:
        try:
            entries = sorted(os.scandir(stack.pop()), key=lambda e: e.name)
        except OSError:
            continue  # an unreadable folder: MkDocs reports it itself
        for entry in entries:
            path = Path(entry.path)
            problem = None
            try:
                if entry.is_symlink():
                    real = os.path.realpath(path)
                    if os.path.commonpath([base, real]) != base:
                        problem = (f"不能是指向仓库之外的符号链接（指向 {_short(os.readlink(path), 200)}）；"
                                   "请把文件本身放进仓库，不要用链接")
                    elif os.path.isdir(real):
                        problem = "不能是指向文件夹的符号链接（网站会把那个文件夹再收录一遍）；请把文件直接放在这里"
                    elif os.path.exists(real):
                        problem = _not_regular(os.stat(path))
                    else:
                        problem = f"符号链接指向的文件必须存在（指向 {_short(os.readlink(path))}）；请把文件本身放在这里"
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif not entry.is_file(follow_symlinks=False):
                    problem = _not_regular(entry.stat(follow_symlinks=False))
            except (OSError, ValueError):
                problem = "必须是可以读取的普通文件；请删除它，换成普通的文本文件"
            if problem:
                flagged.add(path)
                problems.append(Problem(path=path.relative_to(root).as_posix(), line=1, message=problem))
    return problems, flagged


@functools.lru_cache(maxsize=256)
def real_folder(folder: str) -> str:
    """os.path.realpath of a folder, remembered: thousands of reports share a few folders.
    Callers clear it (`real_folder.cache_clear()`) before each reading of the data."""
    return os.path.realpath(folder)


def _not_regular(info: os.stat_result) -> str | None:
    return not_regular(info.st_mode)


def not_regular(mode: int) -> str | None:
    """The rule a special file breaks, naming what it is (None for a regular file or folder)."""
    for test, kind in _KINDS:
        if test(mode):
            return f"必须是普通文件（这里是{kind}）；请删除它，换成普通的文本文件"
    return None


def special_target(target: str) -> str:
    """Where a symbolic link points, shortened for a one-line message."""
    return _short(target, 200)


def _too_big(size: int) -> str:
    return f"文件必须小于 {MAX_BYTES // (1024 * 1024)} MB（现在有 {size:,} 字节）；请拆成几个文件"


def _short(text: str, limit: int = 80) -> str:
    """A path or value for a message: one line, not too long."""
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

# libyaml's parser when PyYAML was built with it (10× faster, same nodes and marks).
# Its composer is not recursive in Python and it refuses nesting deeper than 1,000;
# the pure-Python composer recurses and would raise RecursionError long before.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_TAB_INDENT = re.compile(r"^[ \-]*\t", re.MULTILINE)
_WIDE_INDENT = re.compile(r"^[ \-]*\u3000", re.MULTILINE)
_WIDE_COLON = re.compile(r"^[ \-]*[A-Za-z_][A-Za-z0-9_]*[ ]*：", re.MULTILINE)


def _line_checks(text: str) -> tuple[re.Match | None, str]:
    """Mistakes that Chinese input methods make easy, told in plain words."""
    for pattern, message in (
        (_TAB_INDENT, "缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格"),
        (_WIDE_INDENT, "缩进只能用半角空格，不能用全角空格（U+3000）；请换成半角空格"),
        (_WIDE_COLON, "键名后面必须是半角冒号 :（这里是全角冒号“：”）；请换成半角冒号"),
    ):
        match = pattern.search(text)
        if match:
            return match, message
    return None, ""


def _depth_message() -> str:
    return (f"列表和映射最多只能嵌套 {MAX_DEPTH} 层（这里已是第 {MAX_DEPTH + 1} 层）；"
            "请检查是否多写了 [ 或 {、缩进是否过深，把结构写平")


def _too_deep(text: str, loader: type) -> int | None:
    """The 0-based line where nesting first goes deeper than MAX_DEPTH, or None.
    Reads parser events only (no recursion) and stops there or at the first error."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as err:
        if "maximum nesting depth" in str(err.context or "") + str(err.problem or "") and err.problem_mark:
            return err.problem_mark.line
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError):
        pass
    return None


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Loaded | None, list[Problem]]:
    """Parse one YAML document. `first_line` is the file line the text starts on."""
    # Parsing makes many small objects and no reference cycles worth collecting: with the
    # cyclic garbage collector running, a 5 MB file took minutes instead of seconds.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, shown, first_line)
    finally:
        if collecting:
            gc.enable()


def _parse(text: str, shown: str, first_line: int) -> tuple[Loaded | None, list[Problem]]:
    offset = first_line - 1
    found, message = _line_checks(text)
    if found:
        line = text[: found.start()].count("\n") + 1 + offset
        return None, [Problem(path=shown, line=line, message=message)]
    node, problems = _compose(text, shown, offset)
    if problems:
        return None, problems
    if node is None:
        return Loaded(None, {(): first_line}), []
    builder = _Builder(shown, offset, text)
    value = builder.build(node, ())
    if builder.refused is not None:
        # Nesting too deep, or an alias inside the value it names: the structure itself
        # is wrong, and everything read from it would only repeat that.
        return None, [builder.refused]
    return Loaded(value, builder.lines, builder.reported, builder.merged, builder.words), builder.problems


def _compose(text: str, shown: str, offset: int) -> tuple[yaml.Node | None, list[Problem]]:
    def deep(line: int) -> list[Problem]:
        return [Problem(path=shown, line=line + 1 + offset, message=_depth_message())]

    if _LOADER is yaml.SafeLoader:  # no libyaml: the composer below would recurse
        line = _too_deep(text, yaml.SafeLoader)
        if line is not None:
            return None, deep(line)
    try:
        return yaml.compose(text, Loader=_LOADER), []
    except yaml.YAMLError as err:
        first_error = err
    except (ValueError, MemoryError, RecursionError) as err:  # e.g. text that is not valid Unicode
        return None, [Problem(path=shown, line=1 + offset, message=_one_line(f"YAML 文字无法读取：{err}；请检查这一行"))]
    nesting = "maximum nesting depth" in f"{getattr(first_error, 'context', '')} {getattr(first_error, 'problem', '')}"
    if nesting or len(text) <= _PY_FALLBACK_CHARS:
        # Where nesting first goes too deep (libyaml only stops at 1,000 levels); and the
        # pure-Python composer below must not meet deep nesting: it recurses.
        line = _too_deep(text, _LOADER)
        if line is not None:
            return None, deep(line)
    error = first_error
    if len(text) <= _PY_FALLBACK_CHARS:
        # Parse again with the pure-Python parser: its messages and marks are clearer
        # (and stable), and errors are rare enough for the time it takes. Not for large
        # files: it reads about 100 KB a second.
        try:
            yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as err:
            error = err
        except (ValueError, MemoryError, RecursionError):
            pass
    return None, [_yaml_problem(error, text, shown, offset)]


def _yaml_problem(err: yaml.YAMLError, text: str, shown: str, offset: int) -> Problem:
    if isinstance(err, yaml.composer.ComposerError):
        if "single document" in str(err) and err.problem_mark:
            return Problem(path=shown, line=err.problem_mark.line + 1 + offset,
                           message="文件里只能有一份 YAML 文档；请删去这一行 ---")
        return _syntax_problem(err, text, shown, offset)
    if isinstance(err, yaml.MarkedYAMLError):
        return _syntax_problem(err, text, shown, offset)
    mark = getattr(err, "position", None)  # e.g. a control character the reader refuses
    line = (text[:mark].count("\n") + 1 if isinstance(mark, int) else 1) + offset
    character = getattr(err, "character", None)
    if isinstance(character, str) and len(character) == 1:
        return Problem(path=shown, line=line, message=invisible_message(character))
    if isinstance(character, int) and 0 <= character < 0x110000:
        return Problem(path=shown, line=line, message=invisible_message(chr(character)))
    return Problem(path=shown, line=line, message=_one_line(f"YAML 文字无法读取：{err}；请检查这一行"))


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _syntax_problem(err: yaml.MarkedYAMLError, text: str, shown: str, offset: int) -> Problem:
    mark = err.problem_mark or err.context_mark
    what = (err.problem or "invalid YAML").strip()
    # Something left open (a bracket, a quote) is reported where the file ends;
    # the editor needs the line where it was opened.
    # libyaml's wording (large files are not parsed again): "did not find expected ',' or ']'" at the end
    at_end = (what.startswith("did not find expected") and mark is not None
              and mark.line >= text.rstrip("\n").count("\n"))
    if err.context_mark is not None and ("end of stream" in what or "<stream end>" in what or at_end):
        mark = err.context_mark
    line = (mark.line + 1 if mark else 1) + offset
    context = f" ({err.context.strip()})" if err.context else ""
    return Problem(path=shown, line=line, message=_one_line(f"YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（{what}{context}）"))


# ---------------------------------------------------------------------------
# Building values from nodes
# ---------------------------------------------------------------------------

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"
_WORDS = {"yes", "no", "on", "off"}  # YAML 1.1 reads these as true/false; people mean words
_NON_FINITE = {".inf": "无穷大", "+.inf": "无穷大", "-.inf": "负无穷大", ".nan": "“不是数字”（NaN）"}


def field_name(path: Path_) -> str:
    """`(0, "items", 1, "rate_percent")` → `items[2].rate_percent` (the entry's own index is left out)."""
    parts = list(path)
    while parts and isinstance(parts[0], int):
        parts.pop(0)
    out = ""
    for part in parts:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + show_key(part)
    return out


def show_key(key: Any) -> str:
    """A key for a message: as written when it is a plain word, else quoted, escaped, shortened."""
    text = str(key)
    if re.fullmatch(r"[A-Za-z0-9_\-]{1,40}", text):
        return text
    return '"' + _short(text, 40) + '"'


class _Builder:
    """Turns composed nodes into Python values, recording lines and duplicate keys."""

    def __init__(self, shown: str, offset: int, text: str = ""):
        self.shown = shown
        self.offset = offset
        self.text = text
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.reported: set[Path_] = set()
        self.merged: set[Path_] = set()  # mappings that used a merge key (their missing keys are not news)
        self.words: dict[Path_, str] = {}
        self.refused: Problem | None = None  # a problem that makes the whole document unusable
        self.seen: set[int] = set()
        self.open: set[int] = set()  # collections being built (an alias to one of them is a loop)
        self.expanded = 0
        self.expanded_chars = 0
        self.exploded = False
        self.expanding: Path_ | None = None  # where the alias being expanded stands
        self.constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self.constructor)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if self.refused is not None:
            return None
        self.lines.setdefault(path, node.start_mark.line + 1 + self.offset)
        if id(node) in self.seen:
            if self.expanding is not None:
                return self._build(node, path) if self._expand(node, path) else None
            self.expanding = path  # an alias: what it adds is counted, and told on this line
            try:
                return self._build(node, path) if self._expand(node, path) else None
            finally:
                self.expanding = None
        self.seen.add(id(node))
        return self._build(node, path)

    def _build(self, node: yaml.Node, path: Path_) -> Any:
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.open:
                self._refuse(node, "别名（*名称）不能出现在它所指的值里面（这样会无限展开）；请直接写出内容")
                return None
            if len(path) >= MAX_DEPTH:
                self._refuse(node, _depth_message())
                return None
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path)
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        return self._scalar(node, path)

    def _expand(self, node: yaml.Node, path: Path_) -> bool:
        """A value reached again through an alias (*name). Sharing is fine, but a few lines
        of nested aliases can expand into millions of values ("billion laughs"), and a few
        aliases of a long text into a site of gigabytes. False when over a limit."""
        self.expanded += 1
        if isinstance(node, yaml.ScalarNode):
            self.expanded_chars += len(node.value)
        elif isinstance(node, yaml.MappingNode):
            self.expanded_chars += sum(len(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode))
        if self.expanded > MAX_ALIAS_VALUES:
            if not self.exploded:
                self.exploded = True
                self._problem(node, f"别名（*名称）展开后不能超过 {MAX_ALIAS_VALUES:,} 个值；"
                                    "请直接写出各处需要的内容", path)
            self.reported.add(path)
            return False
        if self.expanded_chars > MAX_ALIAS_CHARS:
            if not self.exploded:
                self.exploded = True
                # told on the line of the alias (the value itself stands where the anchor is)
                self._problem(node, f"别名（*名称）展开后的内容合计不能超过 {MAX_ALIAS_CHARS:,} 个字符；"
                                    "请不要反复引用长的文字，直接写出各处需要的内容", path,
                              at_line=self.lines.get(self.expanding or path))
            self.reported.add(path)
            return False
        return True

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "不能用合并键（<<）；请把每个键直接写出来")
                self.merged.add(path)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "键名只能是普通文字，不能是列表或「键: 值」")
                continue
            key = key_node.value
            bad = unsafe_char(key) or ("\n" if "\n" in key else None)
            if bad:
                self._problem(key_node, "键名不能换行；请把键名写在一行里" if bad == "\n"
                              else invisible_message(bad, "键名"))
                self.merged.add(path)  # the keys it may have meant are not missing news
                continue
            if key in out:
                first = self.lines[path + (key,)]
                self._problem(key_node, f"键 {show_key(key)} 在同一处只能写一次（第 {first} 行已经写过）；"
                                        f"请删去重复的一个")
                continue
            self.lines[path + (key,)] = key_node.start_mark.line + 1 + self.offset
            out[key] = self.build(value_node, path + (key,))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        tag, text = node.tag, node.value
        if tag == "tag:yaml.org,2002:timestamp":
            return self._timestamp(node, path)
        surprise = _surprise(tag, text)
        if surprise:
            self._problem(node, f"{self._where(path)}{surprise}", path)
            return None
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as err:
            self._problem(node, f"值必须是普通的 YAML 写法（{getattr(err, 'problem', err)}）；请去掉特殊标记", path)
            return None
        except Exception:  # noqa: BLE001 - e.g. !!int "x" or !!timestamp "x": a ValueError, not a YAMLError
            self._problem(node, f"{self._where(path)}写的 {_short(text, 40)} 不能按它的标记（{_short(tag, 40)}）"
                                "转换；请去掉 !! 开头的标记，或给文字加引号", path)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(node, f"{self._where(path)}写的 {_short(text, 40)} 超出了数字的范围；请核对数值", path)
            return None
        if isinstance(value, bool) and text.lower() in _WORDS:
            self.words[path] = text
        if isinstance(value, str):
            bad = unsafe_char(value)
            if bad:
                self._problem(node, invisible_message(bad, self._where(path, "这里的文字")), path)
                return None
        return value

    def _where(self, path: Path_, otherwise: str = "") -> str:
        name = field_name(path)
        return f"{name} " if name else otherwise

    def _timestamp(self, node: yaml.ScalarNode, path: Path_) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, AttributeError, OverflowError):
            self._problem(node, f"日期 {_short(node.value, 40)} 不存在：必须是日历上真有的日期（YYYY-MM-DD）", path)
            return None

    def _problem(self, node: yaml.Node, message: str, path: Path_ | None = None, at_line: int | None = None) -> None:
        line = at_line or node.start_mark.line + 1 + self.offset
        self.problems.append(Problem(path=self.shown, line=line, message=message))
        if path is not None:
            self.reported.add(path)

    def _refuse(self, node: yaml.Node, message: str) -> None:
        self.refused = Problem(path=self.shown, line=node.start_mark.line + 1 + self.offset, message=message)


def _surprise(tag: str, text: str) -> str | None:
    """What YAML 1.1 (PyYAML's SafeLoader) would silently make of `text`, when that is
    not what a person writing it meant; None when the value is unsurprising."""
    if tag == _INT:
        body = text.replace("_", "").lstrip("+-")
        if ":" in text:
            return _base60(text)
        if body[:2].lower() == "0x":
            return _radix(text, "十六进制")
        if body[:2].lower() == "0b":
            return _radix(text, "二进制")
        if len(body) > 1 and body.startswith("0"):
            return (f"写的 {_short(text, 40)} 以 0 开头，YAML 会把它当作八进制数；电话号码、编号等文字请加引号，"
                    f'写成 "{_short(text, 40)}"；数字请去掉开头的 0')
        if len(body) > MAX_DIGITS:
            return (f"写的数字有 {len(body):,} 位，最多只能有 {MAX_DIGITS} 位；请核对数值（编号等文字请加引号）")
    elif tag == _FLOAT:
        if text.lower() in _NON_FINITE:
            return (f"写的 {text} 在 YAML 里表示{_NON_FINITE[text.lower()]}，不是一个数值；请写出具体的数字，"
                    "原文没有写明时写 null")
        if ":" in text:
            return _base60(text)
    elif tag == "tag:yaml.org,2002:value":
        return '写的 = 在 YAML 里有特殊含义；作为文字请加引号，写成 "="'
    return None


def _base60(text: str) -> str:
    shown = _short(text, 40)
    value = ""
    if len(text) <= 40:
        try:
            number = 0.0 if "." in text else 0
            for part in text.replace("_", "").lstrip("+-").split(":"):
                number = number * 60 + (float(part) if "." in part else int(part))
            value = f"（{shown} = {'-' if text.startswith('-') else ''}{number:g}）"
        except ValueError:
            value = ""
    return (f"写的 {shown} 会被 YAML 当作六十进制数{value}；时间、比分等文字请加引号，"
            f'写成 "{shown}"；数字请直接写出')


def _radix(text: str, name: str) -> str:
    shown = _short(text, 40)
    return (f"写的 {shown} 会被 YAML 当作{name}数；数字请写成十进制，文字请加引号，写成 \"{shown}\"")


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, line the body starts on)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    body_line = text[: match.end()].count("\n") + 1
    return match.group(1) or "", text[match.end():], body_line
