"""The whole validated data set: every kind loaded, then checked against each other.

`load_catalog(root)` is the single entry point used by the MkDocs hook, the
`youfu validate` command and the tests. It returns the catalog and every problem
found; callers decide whether to stop (`DataError`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import bureaus, reports, sources
from .dataset import Dataset, load_list
from .problems import DataError, Problem
from .records import SourceRef

# (sources of one record, function making a problem at a path inside that record)
Cited = tuple[list[SourceRef], Callable[[tuple, str], Problem]]


@dataclass
class Catalog:
    root: Path
    sources: Dataset[sources.SourceDoc]
    bureaus: Dataset[bureaus.Bureau]
    reports: reports.ReportSet

    def source_of(self, ref: SourceRef) -> sources.SourceDoc | None:
        return next((s for s in self.sources if s.file == ref.file), None)

    def reports_of(self, bureau_id: str) -> list[reports.Report]:
        return sorted((r for r in self.reports if r.meta.bureau == bureau_id), key=report_order)


def report_order(report: reports.Report) -> tuple:
    """Newest first; unknown years last; then by path for a stable order."""
    year = report.meta.year
    return (year is None, -(year or 0), report.src_uri)


def load_catalog(root: Path) -> tuple[Catalog, list[Problem]]:
    problems: list[Problem] = []
    source_docs, found = load_list(root, sources.FILE, sources.SourceDoc)
    problems += found
    bureau_list, found = load_list(root, bureaus.FILE, bureaus.Bureau)
    problems += found
    report_set, found = reports.load_reports(root)
    problems += found
    catalog = Catalog(root=root, sources=source_docs, bureaus=bureau_list, reports=report_set)
    problems += list(_check_references(catalog))
    return catalog, problems


def load_or_fail(root: Path) -> Catalog:
    catalog, problems = load_catalog(root)
    if problems:
        raise DataError(problems)
    return catalog


# ---------------------------------------------------------------------------
# Cross-checks
# ---------------------------------------------------------------------------


def _check_references(catalog: Catalog) -> Iterator[Problem]:
    yield from _check_citations(catalog, _cited_records(catalog))
    bureau_ids = catalog.bureaus.ids()
    for report in catalog.reports:
        if report.meta.bureau not in bureau_ids:
            yield catalog.reports.problem(report, ("bureau",), _unknown("bureau", report.meta.bureau, bureaus.FILE))


def _unknown(what: str, value: str, where: str) -> str:
    return f"{what} {value} must be the id of an entry in {where}"


def _cited_records(catalog: Catalog) -> Iterable[Cited]:
    for dataset in (catalog.bureaus,):
        for record in dataset:
            yield record.sources, (lambda inner, msg, d=dataset, i=record.id: d.problem(i, inner, msg))
    for report in catalog.reports:
        yield report.meta.sources, (lambda inner, msg, r=report: catalog.reports.problem(r, inner, msg))


def _check_citations(catalog: Catalog, cited: Iterable[Cited]) -> Iterator[Problem]:
    """Every `sources:` entry must name a known document and one of its pieces."""
    known = {doc.file: doc for doc in catalog.sources}
    for refs, problem in cited:
        for index, ref in enumerate(refs):
            doc = known.get(ref.file)
            if doc is None:
                yield problem(("sources", index, "file"), f"source file {ref.file} must be listed in {sources.FILE}")
            elif ref.part not in doc.parts:
                yield problem(("sources", index, "part"),
                              f"part {ref.part} must be one of the parts of {ref.file}: {', '.join(doc.parts)}")
