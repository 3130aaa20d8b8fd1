"""Open data without a build: the CSV and JSON conventions, the schemas, the data dictionary and
the derived columns, each against values written here by hand or read with plain PyYAML."""
from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from helpers import ROOT
from youfu import opendata
from youfu.catalog import load_or_fail


@pytest.fixture(scope="module")
def catalog():
    return load_or_fail(ROOT)


@pytest.fixture
def files(catalog):
    """Made again for each test (not once a module), so that mutation testing sees which test
    exercises which part of opendata."""
    return opendata.files(catalog)


def dataset(name: str) -> opendata.Dataset:
    (found,) = [d for d in opendata.DATASETS if d.name == name]
    return found


@pytest.mark.parametrize("value, text", [
    (None, ""), (True, "true"), (False, "false"), (0, "0"), (12.5, "12.5"), ("甲", "甲"),
    ([], ""), (["甲", "乙"], "甲；乙"), ([1, None, True], "1；；true"),
    ({"a": 1, "b": None, "c": [], "d": "", "e": False}, "a=1 e=false"),
    ({"province": "江苏省", "city": "扬州市", "county": None}, "province=江苏省 city=扬州市"),
    ([{"file": "f.txt", "part": "篇1"}, {"file": "g.txt"}], "file=f.txt part=篇1；file=g.txt"),
    ({"a": ["x", "y"]}, "a=x；y"),
])
def test_one_csv_cell(value, text):
    assert opendata.cell(value) == text


def test_csv_has_a_bom_crlf_lines_and_the_columns_in_order():
    rows = [{"b": [1, 2], "a": "甲,乙", "x": "not a column"}, {"a": None}]
    assert opendata.to_csv(rows, ["a", "b"]) == '\ufeffa,b\r\n"甲,乙",1；2\r\n,\r\n'.encode("utf-8")


def test_json_keeps_chinese_and_the_record_order():
    assert opendata.to_json([{"名": "甲", "a": [1]}, {"b": None}]) == (
        '[\n {\n  "名": "甲",\n  "a": [\n   1\n  ]\n },\n {\n  "b": null\n }\n]\n')


@pytest.mark.parametrize("name", [d.name for d in opendata.DATASETS])
def test_every_dataset_has_json_csv_and_a_schema_that_agree(files, name):
    d = dataset(name)
    rows = json.loads(files[f"downloads/{name}.json"])
    table = list(csv.reader(io.StringIO(files[f"downloads/{name}.csv"].decode("utf-8-sig"))))
    assert table[0] == opendata.columns(d) == [f for f in d.model.model_fields] + [c for c, _ in d.derived]
    assert len(table) == len(rows) + 1
    schema_text = files[f"downloads/{name}.schema.json"]
    schema = json.loads(schema_text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert (schema["title"], schema["type"]) == (d.title, "array")
    assert set(schema["items"]["properties"]) == set(d.model.model_fields)
    assert schema_text.endswith("}\n") and "\\u" not in schema_text  # Chinese as it is
    assert schema_text.startswith('{\n "$schema"')  # keys sorted, one space a level
    top = [line.split('"')[1] for line in schema_text.splitlines() if line.startswith(' "')]
    assert top == sorted(top)
    for row in rows:  # every derived column is filled in every row
        assert all(column in row for column, _ in d.derived), name


def test_the_data_dictionary_of_bureaus():
    expected = [
        ("id", "str", True), ("name", "str", True), ("type", "Literal['卫生局', '医疗机构', '其他机构']", False),
        ("level", "Literal['province', 'city', 'district', 'county']", True), ("region", "Region", True),
        ("sources", "list[SourceRef]", True), ("shared_text", "bool", False), ("inferred", "list[Inference]", False),
        ("note", "str | None", False), ("change_note", "str | None", False), ("sample", "bool", False),
        ("place", "str", True), ("place_inferred", "bool", True), ("place_evidence", "str", True),
    ]
    fields = opendata.dictionary(dataset("bureaus"))
    assert [(f.name, f.type, f.required) for f in fields] == expected
    assert fields[-1].description == "推断地区的依据（由记录生成）"
    assert fields[1].description  # from the model: what editors see in the schema too


def test_long_type_names_are_cut():
    (status,) = [f for f in opendata.dictionary(dataset("facilities")) if f.name == "status"]
    assert status.type == "Literal['in_use', 'under_construction', 'planned', 'close…" and len(status.type) == 58


def _by_id(files, name):
    return {r["id"]: r for r in json.loads(files[f"downloads/{name}.json"])}


def test_place_columns_say_what_is_inferred(files):
    written = {b["id"]: b for b in yaml.safe_load((ROOT / "data/bureaus.yml").read_text(encoding="utf-8"))}
    rows = _by_id(files, "bureaus")
    yangzhou = rows["yangzhou-city"]
    assert (yangzhou["place"], yangzhou["place_inferred"]) == ("江苏省（推断）扬州市", True)
    (inference,) = [i for i in written["yangzhou-city"]["inferred"] if i["field"] == "region.province"]
    assert yangzhou["place_evidence"] == inference["evidence"]
    stated = [b for b in written.values() if not b.get("inferred")]
    assert stated, "some bureau has its place written in the source"
    for bureau in stated:
        row = rows[bureau["id"]]
        assert row["place_inferred"] is False and row["place_evidence"] == "" and "推断" not in row["place"]


def test_claim_columns_of_a_campaign(files):
    row = _by_id(files, "benefits")["datong-city-package"]
    assert {k: row[k] for k in ("claim_kind_name", "period_label", "period_certainty_name", "period_evidence")} == {
        "claim_kind_name": "限期活动", "period_label": "2014年3月20日至12月31日",
        "period_certainty_name": "原文写明", "period_evidence": ""}


def test_status_names_of_facilities(files):
    names = {"in_use": "在用", "under_construction": "在建", "planned": "计划中", "closed": "已关闭", "unknown": "不详"}
    rows = json.loads(files["downloads/facilities.json"])
    assert rows and all(row["status_name"] == names[row["status"]] for row in rows)


def test_report_rows_from_the_front_matter(files):
    rows = _by_id(files, "reports")
    paths = sorted((ROOT / "content/reports").rglob("*.md"))
    fronts = {p: yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1]) for p in paths
              if p.name != "index.md" and p.read_text(encoding="utf-8").startswith("---\n")}
    assert len(rows) == len(fronts)
    assert [r["id"] for r in json.loads(files["downloads/reports.json"])] == sorted(rows, key=lambda i: i + ".md")
    for path, front in fronts.items():
        report_id = path.relative_to(ROOT / "content/reports").as_posix().removesuffix(".md")
        row = rows[report_id]
        assert row["path"] == f"content/reports/{report_id}.md"
        assert (row["title"], row["bureau"], row["year"], row["kind"]) == (
            front["title"], front["bureau"], front.get("year"), front["kind"])
    yangzhou = rows["yangzhou-city/unknown-zongjie"]
    assert {k: yangzhou[k] for k in ("period_label", "period_certainty_name", "period_evidence", "place",
                                     "place_inferred")} == {
        "period_label": "年份不详", "period_certainty_name": "不详", "period_evidence": "",
        "place": "江苏省（推断）扬州市", "place_inferred": True}


@pytest.mark.parametrize("annotation, name", [
    (int, "int"), (int | None, "int | None"), (int | str, "int | str"), (dict[str, int], "dict[str, int]"),
    (list[int | None], "list[int | None]"),
])
def test_type_names(annotation, name):
    assert opendata._type_name(annotation) == name


def test_type_names_of_sixty_characters_are_kept_longer_ones_cut():
    from typing import Literal

    sixty = Literal["a" * 49]  # Literal['…'] is 9 + 49 + 2 = 60 characters
    assert opendata._type_name(sixty) == f"Literal['{'a' * 49}']"
    longer = Literal["a" * 50]
    assert opendata._type_name(longer) == f"Literal['{'a' * 48}…"
