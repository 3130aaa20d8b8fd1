"""Words for reading search queries: the reviewed synonym table, and words taken from the data.

`data/synonyms.yml` lists words the public uses for the site's own words (退伍军人 for
退役军人, 看病 for 就医, 烈属 for 烈士遗属) and English words a volunteer trained abroad
might type (veteran, blood, green channel). It holds words only, never a statement: an
entry is a list of Chinese words that mean the same and, optionally, English words for
them. The search looks for every word of an entry when one is typed.

`lexicon(catalog)` adds the words the site's records use — place names with and without
省/市/区/县 ("福州马尾" is then read as 福州 + 马尾 and finds 福州市马尾区), group names and
their other names, glossary terms, facility and benefit names — and hands all of it to
the search index as plain data (`youfu.vocab.Lexicon`).
"""
from __future__ import annotations

import re
from typing import Annotated, Iterator

from pydantic import BeforeValidator, Field, model_validator

from . import benefits, facilities, pinyin, records, reports
from .dataset import Dataset
from .problems import Problem
from .records import Record, Text
from .vocab import STOP_WORDS, Lexicon

FILE = "data/synonyms.yml"

_HAN_WORD = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,8}$")
_ENGLISH_WORD = re.compile(r"^[a-z]{2,20}(?: [a-z]{1,20}){0,3}$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEYS = ("id", "words", "english", "note")


def _text(value, what: str) -> str:
    if not isinstance(value, str):
        kind = "数字" if isinstance(value, (int, float)) and not isinstance(value, bool) else \
            "列表" if isinstance(value, list) else "键值对" if isinstance(value, dict) else "空值" if value is None else "其他值"
        raise ValueError(f"必须写成文字（现在是{kind}）；{what}")
    return value


def _id(value):
    value = _text(value, "如 tuiyi-junren")
    if not _ID.match(value) or len(value) > 80:
        raise ValueError(f"只能用小写字母 a-z、数字和单个连字符，如 tuiyi-junren（现在写的是 \"{value}\"）")
    return value


def _word(value):
    value = _text(value, "每个词单独写一项，如 [退役军人, 退伍军人]")
    if not _HAN_WORD.match(value):
        raise ValueError("必须是一个中文词：只用汉字，不超过 8 个字，不带空格、标点、数字或说明"
                         f"（现在写的是 \"{value}\"）；同义词表只列说法，不写句子")
    if value in STOP_WORDS:
        raise ValueError(f"“{value}”是问句里的虚词，搜索时会被略去，不能作同义词")
    return value


def _english(value):
    value = _text(value, "每个英文词单独写一项，如 [veteran, veterans]")
    if not _ENGLISH_WORD.match(value):
        raise ValueError("必须是小写英文单词（a-z），最多 4 个词，用一个空格隔开，如 green channel"
                         f"（现在写的是 \"{value}\"）")
    return value


def _list(value, what: str):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"必须是一个列表，每项以“- ”开头或写成 [甲, 乙]；{what}")
    return value


Word = Annotated[str, BeforeValidator(_word)]
English = Annotated[str, BeforeValidator(_english)]


class Synonym(Record):
    """One group of words meaning the same. Words only: never a claim about anything."""

    id: Annotated[str, BeforeValidator(_id)] = Field(description="唯一标识（小写字母、数字和连字符）")
    words: Annotated[list[Word], BeforeValidator(lambda v: _list(v, "如 [退役军人, 退伍军人]"))] = Field(
        default_factory=list, description="意思相同的中文说法，第一个写网站页面上用的说法；只用汉字，每项一个词")
    english: Annotated[list[English], BeforeValidator(lambda v: _list(v, "如 [veteran, veterans]"))] = Field(
        default_factory=list, description="对应的英文说法（小写），如 veteran、green channel")
    note: Text | None = Field(default=None, description="给审阅者的说明：为什么这些说法意思相同（不显示在网页上）")

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, value):
        if isinstance(value, dict):
            unknown = [str(k) for k in value if k not in KEYS]
            if unknown:
                raise ValueError(f"不认识的键 {'、'.join(unknown)}：每一条只能写 {'、'.join(KEYS)}")
            if "id" not in value:
                raise ValueError("每一条都必须写 id（唯一标识，如 tuiyi-junren）")
        return value

    @model_validator(mode="after")
    def _enough(self):
        if not self.words:
            raise ValueError("words 至少要写一个中文说法（第一个写网站页面上用的说法）")
        if len(self.words) + len(self.english) < 2:
            raise ValueError("一条至少要有两个说法：words 里再写一个意思相同的中文词，或在 english 写英文词")
        if len(set(self.words)) != len(self.words) or len(set(self.english)) != len(self.english):
            raise ValueError("同一条里的说法不能重复")
        return self


def check(dataset: Dataset[Synonym]) -> Iterator[Problem]:
    """A word or English word belongs to one entry only (else the table would chain meanings)."""
    seen: dict[str, tuple[str, int]] = {}
    for entry in dataset:
        for field_name, values in (("words", entry.words), ("english", entry.english)):
            for index, value in enumerate(values):
                key = ("en:" if field_name == "english" else "zh:") + value
                line = dataset.line(entry.id, field_name, index)
                if key in seen and seen[key][0] != entry.id:
                    other, other_line = seen[key]
                    yield Problem(path=dataset.path, line=line,
                                  message=f"“{value}”已经写在第 {other_line} 行的条目 {other} 里：一个说法只能属于一条，"
                                          "意思都相同就合成一条")
                seen.setdefault(key, (entry.id, line))


_SPLIT = re.compile(r"[、，,；;（）()“”《》/\s]+")


def _pieces(text: str | None) -> list[str]:
    return [p for p in _SPLIT.split(text or "") if p]


def lexicon(catalog) -> Lexicon:
    groups: list[tuple[str, ...]] = []
    english: dict[str, tuple[str, ...]] = {}
    for entry in getattr(catalog, "synonyms", ()):
        groups.append(tuple(entry.words))
        for word in entry.english:
            english[word] = tuple(entry.words)
    words: set[str] = set(pinyin.catalog_names(catalog))
    for bureau in catalog.bureaus:
        words.update(_pieces(bureau.name))
    for facility in catalog.facilities:
        words.update(_pieces(facility.name))
        words.add(facility.kind)
    for region in [b.region for b in catalog.bureaus] + [catalog.region_of(f) for f in catalog.facilities]:
        for part in (region.province, region.city, region.county) if region else ():
            if part:
                words.add(part)
    for group in catalog.groups:
        names = _pieces(group.name)
        words.update(names)
        words.update(group.aliases)
        if group.aliases and len(names) == 1:
            groups.append((names[0], *group.aliases))
    for term in catalog.glossary:
        words.update(_pieces(term.term))
    for package in catalog.packages:
        for item in package.items:
            words.update(_pieces(item.label))
            words.update(c for c in item.covers if len(c) <= 8)
    words.update(benefits.ITEM_TYPES.values())
    words.update(facilities.SERVICES)
    words.update(facilities.BLOOD_KINDS.values())
    words.update(records.CLAIM_KINDS.values())
    words.update(reports.TOPICS)
    words.update(reports.KINDS)
    return Lexicon(words=frozenset(words), synonyms=tuple(groups), english=english)
