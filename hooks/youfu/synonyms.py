"""Words for reading search queries, taken from the data: names, places, terms.

`lexicon(catalog)` collects the words the site's records use — place names with and
without 省/市/区/县 ("福州马尾" is then read as 福州 + 马尾 and finds 福州市马尾区),
group names and their other names, glossary terms, facility and benefit names — as
plain data for the search index (`youfu.vocab.Lexicon`).
"""
from __future__ import annotations

import re

from . import benefits, facilities, pinyin, records, reports
from .vocab import Lexicon

_SPLIT = re.compile(r"[、，,；;（）()“”《》/\s]+")


def _pieces(text: str | None) -> list[str]:
    return [p for p in _SPLIT.split(text or "") if p]


def lexicon(catalog) -> Lexicon:
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
    groups = []
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
    return Lexicon(words=frozenset(words), synonyms=tuple(groups))
