"""Pinyin for place and facility names, so that `datong` finds 大同.

Readers on a phone without a Chinese keyboard, or who do not know a character, type a
place in pinyin. The search index gets a small table, pinyin (toneless, no spaces) →
the names spelled that way; the search page turns a Latin-only query word found in it
into "that word or any of those names". Only names from the data are in the table:
regions of bureaus and facilities, and the place part at the front of facility names
("琅岐卫生院" → 琅岐). Generic words (医院, 卫生院 …) are not: `yiyuan` would match
everything and help nobody.
"""
from __future__ import annotations

import itertools
import os
import re
from typing import Iterable

from .search import HAN

# Where the place part of a facility name ends: the first of these words.
_GENERIC = ("经济技术开发区", "开发区", "社区", "人民医院", "中医院", "医院", "卫生院", "卫生服务", "卫生",
            "疾病", "疾控", "妇幼", "红十字", "血站", "采血", "基层", "紧急", "精神", "第", "中心",
            "省", "市", "区", "县", "镇", "乡", "村", "街道", "自治")
_ADMIN_SUFFIX = re.compile("(?:自治区|自治州|自治县|特别行政区|省|市|区|县|镇|乡|街道)$")
MAX_SPELLINGS = 16
_HAN_ONLY = re.compile(f"^[{HAN}]{{2,}}$")


def place_part(name: str) -> str:
    """The place at the front of a name: 扬州市第一人民医院 → 扬州, 马尾镇卫生院 → 马尾;
    "" when the name does not start with a place (卫生监督所)."""
    cut = min((i for i in (name.find(g) for g in _GENERIC) if i > 0), default=0)
    return name[:cut]


def names_of(regions: Iterable, facility_names: Iterable[str]) -> set[str]:
    """Place names worth a pinyin entry: each region part with and without its
    administrative suffix (大同市 and 大同), and the place part of facility names."""
    found: set[str] = set()
    for region in regions:
        for part in (region.province, region.city, region.county) if region else ():
            if part:
                found.update((part, _ADMIN_SUFFIX.sub("", part)))
    for name in facility_names:
        found.add(place_part(name))
    return {n for n in found if _HAN_ONLY.match(n) and not n.startswith("某")}


def catalog_names(catalog) -> set[str]:
    return names_of([b.region for b in catalog.bureaus] + [catalog.region_of(f) for f in catalog.facilities],
                    [f.name for f in catalog.facilities])


def _readings(name: str) -> list[list[str]]:
    # Without its phrase dictionary pypinyin takes 12 MB instead of 57 MB and 0.04 s
    # instead of 0.3 s to load; names get every reading of each character anyway (and
    # the phrase reading of 马尾 is the wrong one). Read by pypinyin when first imported.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import Style, pinyin

    return [(pinyin(c, style=Style.NORMAL, heteronym=True, errors="ignore") or [[]])[0] for c in name]


# Characters whose usual reading in place names is not the one pypinyin lists first (without
# its phrase dictionary): 成都 chengdu, 重庆 chongqing, 长沙 changsha, 厦门 xiamen, 乐山 leshan …
PLACE_READINGS = {"都": "du", "重": "chong", "长": "chang", "厦": "xia", "乐": "le", "单": "shan",
                  "莘": "shen", "番": "pan", "会": "hui", "蚌": "beng", "六": "lu", "洞": "tong"}


def usual_spelling(name: str) -> str:
    """The usual toneless pinyin of a place name without its administrative suffix, for
    addresses: 马尾区 → mawei, 大同市 → datong; letters and digits of a non-Han name are
    kept (lowercased); "" when nothing is left."""
    core = _ADMIN_SUFFIX.sub("", name) or name
    out = []
    for char, readings in zip(core, _readings(core)):
        if char in PLACE_READINGS:
            out.append(PLACE_READINGS[char])
        elif readings and readings[0].isascii() and readings[0].isalpha():
            out.append(readings[0].lower())
        elif char.isascii() and char.isalnum():
            out.append(char.lower())
    return "".join(out)


def aliases(names: Iterable[str]) -> dict[str, list[str]]:
    """pinyin → names, e.g. {"datong": ["大同"], "datongshi": ["大同市"]}.

    Every reading of each character counts (马尾 is mawei as well as mayi, 重庆
    chongqing as well as zhongqing), up to MAX_SPELLINGS a name. ü is
    written v (lv), as on a pinyin keyboard; u is accepted too (lu)."""
    table: dict[str, set[str]] = {}
    for name in names:
        # Each character's usual reading comes first, so the first combination is the usual spelling.
        readings = _readings(name)
        for combo in itertools.islice(itertools.product(*readings), MAX_SPELLINGS):
            spelled = "".join(combo).lower()
            if spelled.isascii() and spelled.isalpha():
                for key in (spelled, spelled.replace("v", "u")):
                    table.setdefault(key, set()).add(name)
    return {key: sorted(values) for key, values in sorted(table.items())}
