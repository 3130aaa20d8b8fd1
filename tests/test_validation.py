"""Loading and validation: each broken input gives exactly these `path:line: message`s."""
from __future__ import annotations

import pytest

from youfu.catalog import load_catalog


def messages(root) -> list[str]:
    _, problems = load_catalog(root)
    return [str(p) for p in sorted(problems)]


def test_valid_data_has_no_problems(repo):
    catalog, problems = load_catalog(repo())
    assert problems == []
    assert [b.id for b in catalog.bureaus] == ["test-city"]
    assert catalog.bureaus.get("test-city").region.label == "江苏省测试市"


CASES = {
    "yaml syntax error": (
        "- id: a\n  name: [unclosed\n",
        ["data/bureaus.yml:2: YAML syntax must be valid: expected ',' or ']', but got '<stream end>' "
         "(while parsing a flow sequence)"],
    ),
    "tab indentation": (
        "- id: a\n\tname: x\n",
        ["data/bureaus.yml:2: indentation must use spaces, not tabs"],
    ),
    "wrong type": (
        "- id: a\n  name: 12\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:2: name must be text (a number found)"],
    ),
    "unknown key": (
        "- id: a\n  name: 甲\n  levle: city\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:3: key levle is not allowed (did you mean level?); "
         "allowed keys: id, name, type, level, region, sources, shared_text, inferred, note, change_note, sample"],
    ),
    "missing field and bad choice": (
        "- id: a\n  name: 甲\n  level: town\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:1: region is required",
         'data/bureaus.yml:3: level must be one of province, city, district or county (got "town")'],
    ),
    "duplicate id": (
        "- id: a\n  name: 甲\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n"
        "- id: a\n  name: 乙\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:6: id a must be unique (already used at line 1)"],
    ),
    "dangling source reference": (
        "- id: a\n  name: 甲\n  level: city\n  region: {}\n  sources:\n"
        "    - {file: 009_0000000000000000.txt, part: 篇1, where: 开头}\n"
        "    - {file: 001_89d13becceec202a.txt, part: 篇9, where: 开头}\n",
        ["data/bureaus.yml:6: source file 009_0000000000000000.txt must be listed in data/sources.yml",
         "data/bureaus.yml:7: part 篇9 must be one of the parts of 001_89d13becceec202a.txt: 篇1, 篇2"],
    ),
    "empty file": (
        "",
        ["data/bureaus.yml:1: file must hold a YAML list of entries (it is empty; write [] for none)"],
    ),
    "not a list": (
        "id: a\nname: 甲\n",
        ["data/bureaus.yml:1: file must hold a YAML list of entries, each starting with '- '"],
    ),
    "html in a text field": (
        "- id: a\n  name: 甲<script>alert(1)</script>\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:2: name must be plain text without < or > (no HTML; write titles in 《》)"],
    ),
    "bad id and duplicate key": (
        "- id: Datong_City\n  name: 甲\n  name: 乙\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:1: id must use only lowercase letters a-z, digits and single dashes "
         '(got "Datong_City")',
         "data/bureaus.yml:3: key name must appear only once in a mapping (first at line 2)"],
    ),
    "many problems at once": (
        "- id: a\n  name: 甲\n  level: city\n  region: {town: 乙}\n  sources: []\n"
        "- 12\n",
        ["data/bureaus.yml:4: key town is not allowed in region; allowed keys: province, city, county",
         "data/bureaus.yml:5: sources must list at least 1 item",
         "data/bureaus.yml:6: each entry must be a mapping of keys (a number found)"],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_broken_bureaus_file(repo, name):
    text, expected = CASES[name]
    assert messages(repo({"data/bureaus.yml": text})) == expected


def test_non_utf8_file(repo):
    root = repo({"data/bureaus.yml": "- id: a\n  name: 大同\n".encode("gbk")})
    assert messages(root) == [
        "data/bureaus.yml:2: file must be saved as UTF-8 (byte 0xb4 is not UTF-8; "
        "was it saved as GBK/GB2312? re-save it as UTF-8)"]


def test_bom_is_accepted(repo):
    from conftest import BUREAUS_YML

    root = repo({"data/bureaus.yml": "\ufeff" + BUREAUS_YML})
    assert messages(root) == []


def test_missing_file(repo):
    root = repo()
    (root / "data/bureaus.yml").unlink()
    assert messages(root) == ["data/bureaus.yml:1: file must exist (it is part of the data)"]


def test_problems_in_several_files_are_all_reported(repo):
    root = repo({"data/sources.yml": "- id: 1\n", "data/bureaus.yml": "- id: a\n"})
    found = messages(root)
    assert found[0].startswith("data/bureaus.yml:1: ")
    assert "data/sources.yml:1: id must be text (a number found)" in found
    assert len(found) >= 6


def test_an_unreadable_file_does_not_cascade_into_reference_errors(repo):
    from conftest import BUREAUS_YML

    package = ("- id: p\n  bureau: test-city\n  title: 甲\n  curated: 2026-01-01\n"
               "  claim: {kind: report, period: {certainty: unknown}}\n"
               "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n"
               "  items: [{id: i, type: priority, label: 四优先, groups: [veteran]}]\n")
    root = repo({"data/bureaus.yml": BUREAUS_YML.replace("  level: city", "\tlevel: city"),
                 "data/benefits.yml": package, "data/groups.yml": "- id: [\n"})
    assert messages(root) == [
        "data/bureaus.yml:3: indentation must use spaces, not tabs",
        "data/groups.yml:2: YAML syntax must be valid: expected the node content, but found '<stream end>' "
        "(while parsing a flow node)",
    ]
