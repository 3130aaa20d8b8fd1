"""Benchmark variant "Material + hook": Material's own search (its worker, lunr and UI),
extended by this MkDocs hook the way a project could extend it without forking Material.

run.py copies this file into the corpus copy's hooks/ folder and builds with
YOUFU_MATERIAL_SEARCH=true and a config that adds it to `hooks:`. It never ships with
the site; it exists to measure whether extending Material would have been enough.

What the hook changes:

* jieba is switched off in Material's search plugin: its words are replaced by the
  index fields below, and cutting every page with jieba is slow;
* after Material has written search/search_index.json, every entry gets two extra
  fields, made from its Traditional → Simplified folded text (youfu.search.fold):
  `g` (body) and `tg` (title, boosted). Each Han run becomes its overlapping character
  pairs plus "<last character>_", so that any sub-word is found, and a single character
  as a prefix; ASCII words and numbers stay whole, so "2023年" = 2023 + 年.
  Only `tg` and `g` are indexed (the index's config.fields); `title` and `text` are
  still shown in the results. The separator is whitespace and the lunr pipeline is
  empty (lunr's trimmer would cut Han characters away);
* a script (assets/material-hook.js, with the folding table in it) rewrites each query
  before it reaches Material's worker: folded, Han runs into the same pairs, every term
  required ("+"), a lone Han character as a prefix ("+年*").

What it cannot change without forking Material: the whole index is still one JSON file
that every page downloads and the worker indexes before the first answer, and there are
no filters, no phrase ranking beyond the title boost and no link to the matching section
other than Material's own per-section entries.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from youfu.search import HAN, fold, t2s_table

SCRIPT = "assets/material-hook.js"
_UNITS = re.compile(f"[{HAN}]+|[0-9a-z]+")
_HAN = re.compile(f"[{HAN}]")


def grams(text: str) -> str:
    out: list[str] = []
    for unit in _UNITS.findall(fold(text)):
        if _HAN.match(unit):
            out.extend(map(str.__add__, unit, unit[1:]))
            out.append(unit[-1] + "_")
        else:
            out.append(unit)
    return " ".join(out)


def on_config(config):
    import material.plugins.search.plugin as material_search

    material_search.jieba = None
    config.extra_javascript.append(SCRIPT)
    return config


def on_files(files, config):
    table = {chr(k): v for k, v in t2s_table().items()}
    script = (Path(__file__).with_name("material_hook.js").read_text(encoding="utf-8")
              .replace("/*T2S*/{}", json.dumps(table, ensure_ascii=False, separators=(",", ":"))))
    files.append(File.generated(config, SCRIPT, content=script))
    return files


@event_priority(-100)  # after Material's search plugin has written its index
def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["config"].update(separator=r"[\s]+", pipeline=[], lang=["en"],
                          fields={"tg": {"boost": 1000}, "g": {"boost": 1}})
    for doc in data["docs"]:
        doc["tg"] = grams(re.sub(r"<[^>]+>", " ", doc.get("title", "")))
        doc["g"] = grams(re.sub(r"<[^>]+>", " ", doc.get("text", "")))
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
