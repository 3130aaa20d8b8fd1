"""Open data: every dataset as JSON and CSV, with its JSON Schema and a data dictionary.

Everything here is made from the same typed records as the pages. CSV is UTF-8 with
a BOM (so Excel opens Chinese text correctly); list values are joined with "；" and
nested records are written in one cell. The JSON Schemas come from the models, so
the schema in `schemas/` (for editors) and the one published cannot drift apart.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel

from . import benefits, bureaus, facilities, places, reports, sources, synonyms
from .catalog import Catalog
from .records import CERTAINTY_NAMES

LIST_SEP = "；"


@dataclass(frozen=True, kw_only=True)
class Dataset:
    name: str  # file stem: bureaus, facilities …
    title: str  # Chinese title
    model: type[BaseModel]
    rows: Callable[[Catalog], list[dict[str, Any]]]  # JSON-ready records
    data_file: str  # where editors change it
    derived: tuple[tuple[str, str], ...] = ()  # (column, description) added to every row from the records


def _dump(records) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in records]


# Qualifiers written out as plain columns, so that a spreadsheet shows them next to each row
# exactly as the pages do: an inferred place or year is never a bare value in the data either.
PLACE_COLUMNS = (
    ("place", "地区（推断的部分后面写“（推断）”）"),
    ("place_inferred", "地区是否含推断的部分（true/false）"),
    ("place_evidence", "推断地区的依据"),
)
CLAIM_COLUMNS = (
    ("claim_kind_name", "资料的性质：法律法规、地方规定、工作计划、工作记录或限期活动"),
    ("period_label", "资料所说的时期"),
    ("period_certainty_name", "时期怎样得知：原文写明、推断、存疑或不详"),
    ("period_evidence", "推断或存疑的依据"),
)


DERIVED_TYPES = {"place_inferred": "bool"}  # the other derived columns are text


def _place_columns(place) -> dict[str, Any]:
    return {"place": place.marked_label, "place_inferred": place.inferred,
            "place_evidence": LIST_SEP.join(place.evidence)}


def _claim_columns(claim) -> dict[str, Any]:
    period = claim.period
    return {"claim_kind_name": claim.kind_name, "period_label": period.label,
            "period_certainty_name": CERTAINTY_NAMES[period.certainty], "period_evidence": period.evidence or ""}


def _with_qualifiers(catalog: Catalog, records, *, place: bool = True, claim: bool = True) -> list[dict[str, Any]]:
    out = []
    for record in records:
        row = record.model_dump(mode="json")
        if place:
            row.update(_place_columns(catalog.place_of(record)))
        if claim:
            row.update(_claim_columns(record.claim))
        out.append(row)
    return out


def _facilities(catalog: Catalog) -> list[dict[str, Any]]:
    rows = _with_qualifiers(catalog, catalog.facilities)
    for row, facility in zip(rows, catalog.facilities):
        row["status_name"] = facilities.STATUS_NAMES[facility.status]
    return rows


def _reports(catalog: Catalog) -> list[dict[str, Any]]:
    out = []
    for report in sorted(catalog.reports, key=lambda r: r.src_uri):
        row = {"id": report.id, "path": f"content/{report.src_uri}"}
        row.update(report.meta.model_dump(mode="json"))
        period = report.period
        row.update({"period_label": period.label, "period_certainty_name": CERTAINTY_NAMES[period.certainty],
                    "period_evidence": period.evidence or ""})
        bureau = catalog.bureaus.get(report.meta.bureau)
        row.update(_place_columns(catalog.place_of(bureau) if bureau else places.Place()))
        out.append(row)
    return out


class ReportRecord(reports.ReportMeta):
    """A report as published: its front matter plus where it lives."""

    id: str
    path: str


DATASETS: tuple[Dataset, ...] = (
    Dataset(name="bureaus", title="卫生部门", model=bureaus.Bureau,
            rows=lambda c: _with_qualifiers(c, c.bureaus, claim=False), data_file=bureaus.FILE,
            derived=PLACE_COLUMNS),
    Dataset(name="groups", title="优抚对象群体", model=benefits.Group,
            rows=lambda c: _dump(c.groups), data_file=benefits.GROUPS_FILE),
    Dataset(name="legal", title="法律依据", model=benefits.LegalInstrument,
            rows=lambda c: _dump(c.legal), data_file=benefits.LEGAL_FILE),
    Dataset(name="benefits", title="优待项目", model=benefits.Package,
            rows=lambda c: _with_qualifiers(c, c.packages), data_file=benefits.BENEFITS_FILE,
            derived=PLACE_COLUMNS + CLAIM_COLUMNS),
    Dataset(name="facilities", title="医院与机构", model=facilities.Facility,
            rows=_facilities, data_file=facilities.FACILITIES_FILE,
            derived=PLACE_COLUMNS + CLAIM_COLUMNS + (("status_name", "资料所述状态（中文）"),)),
    Dataset(name="blood_rules", title="用血优先规定", model=facilities.BloodRule,
            rows=lambda c: _with_qualifiers(c, c.blood_rules), data_file=facilities.BLOOD_FILE,
            derived=PLACE_COLUMNS + CLAIM_COLUMNS),
    Dataset(name="glossary", title="名词解释", model=benefits.Term,
            rows=lambda c: _dump(c.glossary), data_file=benefits.GLOSSARY_FILE),
    Dataset(name="synonyms", title="搜索同义词", model=synonyms.Synonym,
            rows=lambda c: _dump(c.synonyms), data_file=synonyms.FILE),
    Dataset(name="sources", title="资料来源", model=sources.SourceDoc,
            rows=lambda c: _dump(c.sources), data_file=sources.FILE),
    Dataset(name="reports", title="工作报告（元数据与关键数字）", model=ReportRecord,
            rows=_reports, data_file=reports.FOLDER + "/<部门>/<年份>-<文种>.md",
            derived=CLAIM_COLUMNS[1:] + PLACE_COLUMNS),
)

# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def cell(value: Any) -> str:
    """One CSV cell: lists joined with ；, mappings as key=value, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEP.join(cell(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={cell(v)}" for k, v in value.items() if v not in (None, [], ""))
    return str(value)


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def columns(dataset: Dataset) -> list[str]:
    return list(dataset.model.model_fields) + [name for name, _ in dataset.derived]


def schema(dataset: Dataset) -> str:
    doc = dataset.model.model_json_schema(mode="validation")
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": dataset.title,
           "type": "array", "items": doc}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@dataclass(frozen=True, kw_only=True)
class FieldDoc:
    name: str
    type: str
    required: bool
    description: str


def dictionary(dataset: Dataset) -> list[FieldDoc]:
    """The data dictionary: each top-level field with its description."""
    out = []
    for name, info in dataset.model.model_fields.items():
        out.append(FieldDoc(name=name, type=_type_name(info.annotation), required=info.is_required(),
                            description=info.description or ""))
    for name, description in dataset.derived:
        out.append(FieldDoc(name=name, type=DERIVED_TYPES.get(name, "str"), required=True,
                            description=f"{description}（由记录生成）"))
    return out


def _type_name(annotation: Any) -> str:
    """A field's type for the data dictionary: `str`, `int | None`, `list[SourceRef]`,
    `Literal['city', 'county']`, without the modules and validators of the models."""
    import types
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        text = _type_name(args[0])
    elif origin in (typing.Union, types.UnionType):
        text = " | ".join(_type_name(a) for a in args if a is not type(None))
        text += " | None" if type(None) in args else ""
    elif origin is typing.Literal:
        text = "Literal[" + ", ".join(repr(a) for a in args) + "]"
    elif origin is not None:
        text = f"{getattr(origin, '__name__', str(origin))}[{', '.join(_type_name(a) for a in args)}]"
    else:
        text = getattr(annotation, "__name__", None) or str(annotation)
    return text if len(text) <= 60 else text[:57] + "…"


def files(catalog: Catalog) -> dict[str, str | bytes]:
    """Every download, by its path in the site."""
    out: dict[str, str | bytes] = {}
    for dataset in DATASETS:
        rows = dataset.rows(catalog)
        out[f"downloads/{dataset.name}.json"] = to_json(rows)
        out[f"downloads/{dataset.name}.csv"] = to_csv(rows, columns(dataset))
        out[f"downloads/{dataset.name}.schema.json"] = schema(dataset)
    return out
