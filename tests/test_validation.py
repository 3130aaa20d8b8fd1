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
        ["data/bureaus.yml:2: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（expected ',' or ']', but got '<stream end>' "
         "(while parsing a flow sequence)）"],
    ),
    "tab indentation": (
        "- id: a\n\tname: x\n",
        ["data/bureaus.yml:2: 缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格"],
    ),
    "wrong type": (
        "- id: a\n  name: 12\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:2: name 必须是文字（现在是数字）"],
    ),
    "unknown key": (
        "- id: a\n  name: 甲\n  levle: city\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:3: 这里不能有键 levle（是不是要写 level？）；"
         "可以用的键：id, name, type, level, region, sources, shared_text, inferred, note, change_note, sample"],
    ),
    "missing field and bad choice": (
        "- id: a\n  name: 甲\n  level: town\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:1: region 必须填写：请补上这一项",
         'data/bureaus.yml:3: level 只能是 province、city、district、county 之一（现在写的是 "town"）'],
    ),
    "duplicate id": (
        "- id: a\n  name: 甲\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n"
        "- id: a\n  name: 乙\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:6: id a 只能用一次（第 1 行已经用过）；请换一个 id"],
    ),
    "dangling source reference": (
        "- id: a\n  name: 甲\n  level: city\n  region: {}\n  sources:\n"
        "    - {file: 009_0000000000000000.txt, part: 篇1, where: 开头}\n"
        "    - {file: 001_89d13becceec202a.txt, part: 篇9, where: 开头}\n",
        ["data/bureaus.yml:6: 资料文件 009_0000000000000000.txt 必须先登记在 data/sources.yml 里；请核对文件名",
         "data/bureaus.yml:7: part 写的 篇9 不是 001_89d13becceec202a.txt 里的一篇：只能是 篇1、篇2 之一"],
    ),
    "empty file": (
        "",
        ["data/bureaus.yml:1: 文件必须是一个 YAML 列表（现在是空的；没有条目就写 []）"],
    ),
    "not a list": (
        "id: a\nname: 甲\n",
        ["data/bureaus.yml:1: 文件必须是一个 YAML 列表，每一条以“- ”开头"],
    ),
    "html in a text field": (
        "- id: a\n  name: 甲<script>alert(1)</script>\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:2: name 只能是纯文字，不能有 < 或 >（不能写 HTML；书名请用《》）"],
    ),
    "bad id and duplicate key": (
        "- id: Datong_City\n  name: 甲\n  name: 乙\n  level: city\n  region: {}\n"
        "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n",
        ["data/bureaus.yml:1: id 只能用小写字母 a-z、数字和单个短横线"
         '（现在写的是 "Datong_City"）',
         "data/bureaus.yml:3: 键 name 在同一处只能写一次（第 2 行已经写过）；请删去重复的一个"],
    ),
    "many problems at once": (
        "- id: a\n  name: 甲\n  level: city\n  region: {town: 乙}\n  sources: []\n"
        "- 12\n",
        ["data/bureaus.yml:4: region 里不能有键 town；可以用的键：province, city, county",
         "data/bureaus.yml:5: sources 至少要列 1 项",
         "data/bureaus.yml:6: 每一条都必须是「键: 值」的写法（现在是数字）"],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_broken_bureaus_file(repo, name):
    text, expected = CASES[name]
    assert messages(repo({"data/bureaus.yml": text})) == expected


def test_non_utf8_file(repo):
    root = repo({"data/bureaus.yml": "- id: a\n  name: 大同\n".encode("gbk")})
    assert messages(root) == [
        "data/bureaus.yml:2: 文件必须以 UTF-8 编码保存（字节 0xb4 不是 UTF-8；"
        "可能存成了 GBK/GB2312，请另存为 UTF-8）"]


def test_bom_is_accepted(repo):
    from conftest import BUREAUS_YML

    root = repo({"data/bureaus.yml": "\ufeff" + BUREAUS_YML})
    assert messages(root) == []


def test_missing_file(repo):
    root = repo()
    (root / "data/bureaus.yml").unlink()
    assert messages(root) == ["data/bureaus.yml:1: 缺少这个文件：它是网站数据的一部分，请恢复它"]


def test_problems_in_several_files_are_all_reported(repo):
    root = repo({"data/sources.yml": "- id: 1\n", "data/bureaus.yml": "- id: a\n"})
    found = messages(root)
    assert found[0].startswith("data/bureaus.yml:1: ")
    assert "data/sources.yml:1: id 必须是文字（现在是数字）" in found
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
        "data/bureaus.yml:3: 缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格",
        "data/groups.yml:2: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（expected the node content, but found '<stream end>' "
        "(while parsing a flow node)）",
    ]
