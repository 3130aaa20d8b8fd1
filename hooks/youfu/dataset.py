"""A YAML file holding a list of records of one kind, converted and indexed by id.

`load_list` is the one way every `data/*.yml` file is read: text → YAML with lines →
typed records, with duplicate ids reported. Cross-references between kinds are
checked later, in `catalog`, with `Dataset.line` pointing back at the right line.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Iterator, TypeVar

from pydantic import BaseModel

from .problems import Problem
from .records import convert
from .yamlio import Loaded, parse_yaml, read_text, real_folder

R = TypeVar("R", bound=BaseModel)

MAX_PROBLEMS = 1_000  # problems told for one file before its remaining entries are left unchecked


@dataclass
class Dataset(Generic[R]):
    """Records of one kind in file order, with where each one stands."""

    path: str  # shown path, relative to the repository root
    records: list[R] = field(default_factory=list)
    _at: dict[str, tuple] = field(default_factory=dict)  # id → YAML path of the record
    _loaded: Loaded | None = None
    _raw_ids: set[str] = field(default_factory=set)  # ids of entries that failed to convert
    readable: bool = True  # False when the file itself could not be read or parsed
    failed: int = 0  # entries that did not convert (their own problems are reported)

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def get(self, record_id: str) -> R | None:
        return self._by_id.get(record_id)

    @property
    def _by_id(self) -> dict[str, R]:
        return {r.id: r for r in self.records}  # type: ignore[attr-defined]

    def ids(self) -> set[str]:
        """Every id the file declares, even on entries that failed validation
        (so that one broken entry does not also break every reference to it)."""
        return set(self._by_id) | self._raw_ids

    def line(self, record_id: str, *inner) -> int:
        """The line of a record (or of a value inside it, by path)."""
        if self._loaded is None or record_id not in self._at:
            return 1
        return self._loaded.line_of(self._at[record_id] + tuple(inner))

    def problem(self, record_id: str, inner: tuple, message: str) -> Problem:
        return Problem(path=self.path, line=self.line(record_id, *inner), message=message)


def load_list(root: Path, relative: str, model: type[R], *, required: bool = True) -> tuple[Dataset[R], list[Problem]]:
    """Load `relative` (a YAML list of mappings) as records of `model`."""
    dataset: Dataset[R] = Dataset(path=relative)
    path = root / relative
    if not os.path.lexists(path):  # a dangling or looping link exists: read_text says what is wrong with it
        dataset.readable = not required
        if required:
            return dataset, [Problem(path=relative, line=1, message="缺少这个文件：它是网站数据的一部分，请恢复它")]
        return dataset, []
    real_folder.cache_clear()  # folders may have been replaced by links since the last reading
    text, problems = read_text(path, relative, root)
    if text is None:
        dataset.readable = False
        return dataset, problems
    loaded, problems = parse_yaml(text, relative)
    if loaded is None:
        dataset.readable = False
        return dataset, problems
    dataset._loaded = loaded
    if loaded.value is None:
        dataset.readable = False
        return dataset, problems + [Problem(path=relative, line=1,
                                            message="文件必须是一个 YAML 列表（现在是空的；没有条目就写 []）")]
    if not isinstance(loaded.value, list):
        dataset.readable = False
        return dataset, problems + [Problem(path=relative, line=loaded.line_of(()),
                                            message="文件必须是一个 YAML 列表，每一条以“- ”开头")]
    first_line: dict[str, int] = {}
    for index, raw in enumerate(loaded.value):
        if len(problems) >= MAX_PROBLEMS:
            # A file of 100,000 broken entries would print a million lines, nobody reads them.
            problems.append(Problem(path=relative, line=loaded.line_of((index,)), message=(
                f"这个文件的问题太多：已列出前 {MAX_PROBLEMS:,} 个，从这一行起的 {len(loaded.value) - index:,} 条"
                "没有检查；请先改正上面的问题")))
            dataset.readable = False
            break
        record, found = convert(model, raw, loaded, (index,), relative)
        problems.extend(found)
        if record is None:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                dataset._raw_ids.add(raw["id"])
            dataset.failed += 1
            continue
        record_id = record.id  # type: ignore[attr-defined]
        line = loaded.line_of((index, "id"))
        if record_id in first_line:
            problems.append(Problem(path=relative, line=line,
                                    message=f"id {record_id} 只能用一次（第 {first_line[record_id]} 行已经用过）；请换一个 id"))
            continue
        first_line[record_id] = line
        dataset.records.append(record)
        dataset._at[record_id] = (index,)
    return dataset, problems
