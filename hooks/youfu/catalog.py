"""The whole validated data set: every kind loaded, then checked against each other.

`load_catalog(root)` is the single entry point used by the MkDocs hook, the
`youfu validate` command and the tests. It returns the catalog and every problem
found; callers decide whether to stop (`DataError`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import bureaus, sources
from .dataset import Dataset, load_list
from .problems import DataError, Problem
from .records import SourceRef


@dataclass
class Catalog:
    root: Path
    sources: Dataset[sources.SourceDoc]
    bureaus: Dataset[bureaus.Bureau]

    def source_of(self, ref: SourceRef) -> sources.SourceDoc | None:
        return next((s for s in self.sources if s.file == ref.file), None)


def load_catalog(root: Path) -> tuple[Catalog, list[Problem]]:
    problems: list[Problem] = []
    source_docs, found = load_list(root, sources.FILE, sources.SourceDoc)
    problems += found
    bureau_list, found = load_list(root, bureaus.FILE, bureaus.Bureau)
    problems += found
    catalog = Catalog(root=root, sources=source_docs, bureaus=bureau_list)
    problems += list(_check_citations(catalog, catalog.bureaus))
    return catalog, problems


def load_or_fail(root: Path) -> Catalog:
    catalog, problems = load_catalog(root)
    if problems:
        raise DataError(problems)
    return catalog


# ---------------------------------------------------------------------------
# Cross-checks
# ---------------------------------------------------------------------------


def _check_citations(catalog: Catalog, dataset: Dataset) -> Iterator[Problem]:
    """Every `sources:` entry must name a known document and one of its pieces."""
    known = {doc.file: doc for doc in catalog.sources}
    for record in dataset:
        for index, ref in enumerate(record.sources):
            yield from _check_ref(known, dataset, record.id, ("sources", index), ref)


def _check_ref(known: dict, dataset: Dataset, record_id: str, at: tuple, ref: SourceRef) -> Iterator[Problem]:
    doc = known.get(ref.file)
    if doc is None:
        yield dataset.problem(record_id, at + ("file",),
                              f"source file {ref.file} must be listed in {sources.FILE}")
    elif ref.part not in doc.parts:
        yield dataset.problem(record_id, at + ("part",),
                              f"part {ref.part} must be one of the parts of {ref.file}: {', '.join(doc.parts)}")
