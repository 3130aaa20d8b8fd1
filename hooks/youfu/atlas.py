"""Places as pages: every province, city and county named in the data, and what is recorded there.

`build(catalog)` returns an `Atlas`: a tree of `PlaceNode`s (province → city → county), each with
the records placed exactly there and a stable address (`places/<pinyin>.md`, from the names of the
place and the places above it). A node's own `Place` marks a part as inferred only when no record
through that node states it: 安徽省池州市 is only inferred; 福建省 is stated by 马尾区's bureau, though
inferred for another record, whose own place keeps its mark wherever that record is shown.
Records whose place is unknown are kept apart (`Atlas.unknown`).

Pure Python, no MkDocs: the page plan (pages.py) and the templates read it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import pinyin
from .places import LEVELS, Place, PlacePart
from .records import PROVINCES

Key = tuple[str | None, str | None, str | None]

FOLDER = "places"
INDEX = f"{FOLDER}/index.md"
UNKNOWN = f"{FOLDER}/unknown.md"
RESERVED = {INDEX, UNKNOWN}

# Filter values (paths) for the parts a place does not name.
NATIONAL_PATH = "全国"
UNKNOWN_PROVINCE = "省份未知"
UNKNOWN_CITY = "城市未知"
UNKNOWN_PATH = UNKNOWN_PROVINCE  # nothing known: the province is unknown too (省份未知/… are below it)

# A bureau speaks for the whole area of its own level: a city bureau placed at a city covers
# that city's counties; a city bureau whose city is unknown (placed at a province) does not
# cover the province.
COVERS = {"province": "province", "city": "city", "district": "county", "county": "county"}
LEVEL_WORDS = {"province": "省", "city": "市", "county": "县区"}


def key_of(place: Place) -> Key:
    names = [place.part(level).name if place.part(level) else None for level in LEVELS]
    return (names[0], names[1], names[2])


def _depth(key: Key) -> int:
    """Index of the deepest named level (-1 for nothing)."""
    return max((i for i, name in enumerate(key) if name), default=-1)


def _prefixes(key: Key) -> list[Key]:
    """The keys of the named levels of `key`, outermost first: (福建省, 福州市, 马尾区) →
    (福建省,), (福建省, 福州市), (福建省, 福州市, 马尾区) — each padded with None."""
    out = []
    for i, name in enumerate(key):
        if name:
            out.append(tuple(key[: i + 1]) + (None,) * (len(LEVELS) - i - 1))
    return out  # type: ignore[return-value]


def path_of(place: Place | None) -> str:
    """A place as a filter value: "福建省/福州市/马尾区"; "全国" for a national record (None);
    "省份未知" when nothing is known; a missing outer part is named (省份未知/城市未知)."""
    if place is None:
        return NATIONAL_PATH
    key = key_of(place)
    depth = _depth(key)
    if depth < 0:
        return UNKNOWN_PATH
    fill = (UNKNOWN_PROVINCE, UNKNOWN_CITY, "")
    return "/".join(key[i] or fill[i] for i in range(depth + 1))


@dataclass(eq=False)
class PlaceNode:
    key: Key
    place: Place = field(default_factory=Place)
    uri: str = ""
    parent: "PlaceNode | None" = None
    children: list["PlaceNode"] = field(default_factory=list)
    bureaus: list = field(default_factory=list)  # records placed exactly here
    facilities: list = field(default_factory=list)
    packages: list = field(default_factory=list)  # local packages of bureaus placed here
    blood_rules: list = field(default_factory=list)

    @property
    def level(self) -> str:
        return LEVELS[_depth(self.key)]

    @property
    def name(self) -> str:
        return self.key[_depth(self.key)] or ""

    @property
    def path(self) -> str:
        return path_of(self.place)

    @property
    def ancestors(self) -> list["PlaceNode"]:
        """The places above, outermost first."""
        out, node = [], self.parent
        while node is not None:
            out.insert(0, node)
            node = node.parent
        return out

    def walk(self) -> Iterator["PlaceNode"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def covers(self, bureau: Any) -> bool:
        """Whether a bureau placed here speaks for this whole area (its level is this node's)."""
        return bureau is not None and COVERS.get(bureau.level) == self.level

    @property
    def empty(self) -> bool:
        return not (self.bureaus or self.facilities or self.packages or self.blood_rules)


@dataclass
class Unplaced:
    """Records whose place is unknown (地区未知)."""

    bureaus: list = field(default_factory=list)
    facilities: list = field(default_factory=list)
    packages: list = field(default_factory=list)
    blood_rules: list = field(default_factory=list)


@dataclass
class Atlas:
    roots: list[PlaceNode] = field(default_factory=list)
    nodes: dict[Key, PlaceNode] = field(default_factory=dict)
    unknown: Unplaced = field(default_factory=Unplaced)

    def walk(self) -> Iterator[PlaceNode]:
        for root in self.roots:
            yield from root.walk()

    def node_of(self, place: Place | None, level: str | None = None) -> PlaceNode | None:
        """The node of `place` (cut after `level` when given); None for an unknown place."""
        if place is None or not place.known:
            return None
        if level is not None:
            place = place.upto(level)
        return self.nodes.get(key_of(place))

    def uri_of(self, place: Place | None, level: str | None = None) -> str:
        """The page of `place` (cut after `level`): a place page, or the page of unknown places."""
        node = self.node_of(place, level)
        return node.uri if node is not None else UNKNOWN


def build(catalog) -> Atlas:
    atlas = Atlas()
    # (record, its place, the list of the node it goes into)
    placed: list[tuple[Any, Place, str]] = []
    for bureau in catalog.bureaus:
        placed.append((bureau, catalog.place_of(bureau), "bureaus"))
    for facility in catalog.facilities:
        placed.append((facility, catalog.place_of(facility), "facilities"))
    for package in catalog.packages:
        if package.scope == "local":
            placed.append((package, catalog.place_of(package), "packages"))
    for rule in catalog.blood_rules:
        if rule.bureau:
            placed.append((rule, catalog.place_of(rule), "blood_rules"))
    # Each part of each node: the evidence of every record through it, None where one states it.
    evidence: dict[Key, dict[str, list[str | None]]] = {}
    for record, place, kind in placed:
        key = key_of(place)
        if _depth(key) < 0:
            getattr(atlas.unknown, kind).append(record)
            continue
        for prefix in _prefixes(key):
            parts = evidence.setdefault(prefix, {})
            for level in LEVELS[: _depth(prefix) + 1]:
                part = place.part(level)
                if part is not None:
                    parts.setdefault(level, []).append(part.evidence)
        node = atlas.nodes.get(key) or _node(atlas, key)
        getattr(node, kind).append(record)
    for key, parts in evidence.items():
        node = atlas.nodes.get(key) or _node(atlas, key)
        node.place = Place(tuple(
            PlacePart(level=level, name=key[LEVELS.index(level)] or "", evidence=_only_inferred(parts[level]))
            for level in LEVELS if level in parts and key[LEVELS.index(level)]))
    for node in atlas.nodes.values():
        parent_key = _prefixes(node.key)[-2] if len(_prefixes(node.key)) > 1 else None
        node.parent = atlas.nodes.get(parent_key) if parent_key else None
        (node.parent.children if node.parent else atlas.roots).append(node)
    for siblings in [atlas.roots] + [n.children for n in atlas.nodes.values()]:
        siblings.sort(key=_order)
    _assign_uris(atlas)
    return atlas


def _node(atlas: Atlas, key: Key) -> PlaceNode:
    node = atlas.nodes[key] = PlaceNode(key=key)
    return node


def _only_inferred(evidence: list[str | None]) -> str | None:
    """None when any record states the part; else every distinct reason, in order."""
    if any(e is None for e in evidence):
        return None
    distinct = list(dict.fromkeys(e for e in evidence if e))
    return "；".join(distinct) if distinct else None


def _order(node: PlaceNode) -> tuple:
    name = node.name
    rank = PROVINCES.index(name) if node.level == "province" and name in PROVINCES else len(PROVINCES)
    return (rank, pinyin.usual_spelling(name), name)


def _slug(name: str | None) -> str:
    if not name:
        return "x"
    return pinyin.usual_spelling(name) or _hash(name)


def _hash(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


def _assign_uris(atlas: Atlas) -> None:
    """places/fujian-fuzhou-mawei.md. Two places spelled alike (homophones under the same place,
    or a name spelled like a reserved page) get a short hash of their Chinese name after the
    spelling, so that no two pages share an address; the address depends only on the names."""
    spelled: dict[str, list[PlaceNode]] = {}
    for node in atlas.nodes.values():
        slugs = [_slug(name) for name in node.key[: _depth(node.key) + 1]]
        node.uri = f"{FOLDER}/{'-'.join(slugs)}.md"
        spelled.setdefault(node.uri, []).append(node)
    for uri, nodes in spelled.items():
        if len(nodes) > 1 or uri in RESERVED:
            for node in nodes:
                node.uri = uri.removesuffix(".md") + f"-{_hash('/'.join(n or '' for n in node.key))}.md"
    uris = [n.uri for n in atlas.nodes.values()]
    assert len(set(uris)) == len(uris) and not RESERVED & set(uris), "place addresses must be distinct"


# ---------------------------------------------------------------------------
# Filters: one select of places, province → city → county
# ---------------------------------------------------------------------------


def options(found: list[Place | None]) -> list[tuple[str, str]]:
    """(value, label) of a place filter over the places of the records listed: every province,
    city and county they name, in tree order, indented by level. A label says （推断） when every
    record under it had that part inferred, （含推断） when some did — a filter never shows an
    inferred place as fact. 全国 first (national records), unknown places last."""
    seen: dict[str, list[bool]] = {}  # path → inferred flags of the part, one per record
    names: dict[str, tuple[int, str, tuple]] = {}  # path → (depth, name, order key)
    national = unknown = False
    for place in found:
        if place is None:
            national = True
            continue
        key = key_of(place)
        if _depth(key) < 0:
            unknown = True
            continue
        for prefix in _prefixes(key):
            depth = _depth(prefix)
            level = LEVELS[depth]
            path = path_of(place.upto(level))
            part = place.part(level)
            seen.setdefault(path, []).append(bool(part and part.inferred))
            order = tuple(_order(PlaceNode(key=k)) for k in _prefixes(prefix))
            names[path] = (depth, prefix[depth] or "", order)
    out = [(NATIONAL_PATH, NATIONAL_PATH)] if national else []
    for path in sorted(seen, key=lambda p: names[p][2]):
        depth, name, _ = names[path]
        flags = seen[path]
        mark = "（推断）" if all(flags) else "（含推断）" if any(flags) else ""
        out.append((path, "　" * depth + name + mark))
    if unknown:
        out.append((UNKNOWN_PATH, "地区未知"))
    return out
