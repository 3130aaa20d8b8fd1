"""The search synonym table data/synonyms.yml: words only, validated like every data file,
every problem reported at once as path:line with a Chinese message."""
from __future__ import annotations

import yaml

from helpers import ROOT
from youfu.catalog import load_catalog
from youfu.cli import main

F = "data/synonyms.yml"


def problems(repo, text: str) -> list[str]:
    root = repo({F: text})
    _catalog, found = load_catalog(root)
    return sorted(str(p) for p in found if p.path == F)


def test_the_shipped_table_is_valid_and_loaded(tmp_path):
    catalog, found = load_catalog(ROOT)
    assert found == []
    raw = yaml.safe_load((ROOT / F).read_text(encoding="utf-8"))  # read with plain PyYAML
    assert [e.id for e in catalog.synonyms] == [e["id"] for e in raw]
    assert [list(e.words) for e in catalog.synonyms] == [e["words"] for e in raw]
    assert [list(e.english) for e in catalog.synonyms] == [e.get("english", []) for e in raw]


def test_the_table_may_be_absent(repo):
    catalog, found = load_catalog(repo())
    assert found == [] and list(catalog.synonyms) == []


def test_every_problem_is_reported_on_its_line_in_chinese(repo):
    text = """\
- id: a
  words: [看病, 就医。请带证件]
- id: b
  words: [就诊, 复诊]
  colour: red
- words: [甲乙]
  english: [first]
- id: c
  words: [12, 丙丁]
- id: d
  words: [医院]
  english: [Hospital]
- id: e
  words: [吗, 嘛呢]
- id: f
  words: [单独]
- id: g
  words: 单独
- id: Ha
  words: [戊己]
  english: [x y]
"""
    found = problems(repo, text)
    assert len(found) == 10 and set(found) == {
        'data/synonyms.yml:15: 一条至少要有两个说法：words 里再写一个意思相同的中文词，或在 english 写英文词',
        'data/synonyms.yml:18: words 必须是一个列表，每项以“- ”开头或写成 [甲, 乙]；如 [退役军人, 退伍军人]',
        'data/synonyms.yml:19: id 只能用小写字母 a-z、数字和单个连字符，如 tuiyi-junren（现在写的是 "Ha"）',
        'data/synonyms.yml:2: words[2] 必须是一个中文词：只用汉字，不超过 8 个字，不带空格、标点、数字或说明'
        '（现在写的是 "就医。请带证件"）；同义词表只列说法，不写句子',
        'data/synonyms.yml:3: 不认识的键 colour：每一条只能写 id、words、english、note',
        'data/synonyms.yml:6: 每一条都必须写 id（唯一标识，如 tuiyi-junren）',
        'data/synonyms.yml:9: words[1] 必须写成文字（现在是数字）；每个词单独写一项，如 [退役军人, 退伍军人]',
        'data/synonyms.yml:12: english[1] 必须是小写英文单词（a-z），最多 4 个词，用一个空格隔开，如 green channel'
        '（现在写的是 "Hospital"）',
        'data/synonyms.yml:14: words[1] “吗”是问句里的虚词，搜索时会被略去，不能作同义词',
        'data/synonyms.yml:21: english[1] 必须是小写英文单词（a-z），最多 4 个词，用一个空格隔开，如 green channel'
        '（现在写的是 "x y"）',
    }


def test_a_word_belongs_to_one_entry_only(repo):
    text = """\
- id: one
  words: [看病, 就医]
  english: [see a doctor]
- id: two
  words: [求医, 看病]
  english: [see a doctor]
"""
    assert problems(repo, text) == [
        "data/synonyms.yml:5: “看病”已经写在第 2 行的条目 one 里：一个说法只能属于一条，意思都相同就合成一条",
        "data/synonyms.yml:6: “see a doctor”已经写在第 3 行的条目 one 里：一个说法只能属于一条，意思都相同就合成一条",
    ]


def test_a_sentence_or_a_claim_cannot_be_written_as_a_synonym(repo):
    """Only words: a statement ("免收保证金") fits no rule of the table."""
    for bad in ("现役军人免收用血保证金", "看病 免费", "2014年起", "就医（优先）"):
        found = problems(repo, f"- id: x\n  words: [看病, \"{bad}\"]\n")
        assert len(found) == 1 and found[0].startswith("data/synonyms.yml:2: words[2] 必须是一个中文词"), (bad, found)


def test_validate_reports_the_table_and_stops(repo, capsys):
    root = repo({F: "- id: x\n  words: [看病]\n"})
    assert main(["validate", "--root", str(root)]) == 1
    assert "data/synonyms.yml:1: 一条至少要有两个说法" in capsys.readouterr().err


def test_the_schema_describes_the_table():
    import json

    schema = json.loads((ROOT / "data/schemas/synonyms.schema.json").read_text(encoding="utf-8"))
    assert schema["type"] == "array"
    assert set(schema["items"]["properties"]) == {"id", "words", "english", "note"}
    assert schema["items"]["required"] == ["id"]
