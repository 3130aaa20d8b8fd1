"""Where a record is, part by part, and which parts were inferred (with the evidence).

A bureau's region comes from `data/bureaus.yml`; a facility has its own region or else
its bureau's. Each part (province, city, county) is either stated by the source or
inferred; an inferred part keeps its evidence so that every page showing the place can
show the mark and the reason (see the `place` macro in overrides/partials/youfu/macros.html).
"""
from __future__ import annotations

from dataclasses import dataclass

from .records import Inference, Region

LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class PlacePart:
    level: str  # province | city | county
    name: str
    evidence: str | None = None  # None when the source states it

    @property
    def inferred(self) -> bool:
        return self.evidence is not None


@dataclass(frozen=True)
class Place:
    parts: tuple[PlacePart, ...] = ()

    @property
    def label(self) -> str:
        return "".join(p.name for p in self.parts) if self.parts else "地区未知"

    @property
    def known(self) -> bool:
        return bool(self.parts)

    @property
    def inferred(self) -> bool:
        return any(p.inferred for p in self.parts)

    @property
    def evidence(self) -> tuple[str, ...]:
        """Each distinct reason, in the order of the parts."""
        seen: list[str] = []
        for part in self.parts:
            if part.evidence and part.evidence not in seen:
                seen.append(part.evidence)
        return tuple(seen)

    @property
    def segments(self) -> list[tuple[str, tuple[str, ...]]]:
        """Runs of parts that are all stated or all inferred: [("安徽省池州市", (evidence, …))]
        — so that a mark follows each inferred run once, not each part."""
        runs: list[tuple[str, tuple[str, ...]]] = []
        for part in self.parts:
            evidence = (part.evidence,) if part.evidence else ()
            if runs and bool(runs[-1][1]) == bool(evidence):
                text, before = runs[-1]
                runs[-1] = (text + part.name, before + tuple(e for e in evidence if e not in before))
            else:
                runs.append((part.name, evidence))
        return runs

    @property
    def runs(self) -> list[tuple[tuple[PlacePart, ...], tuple[str, ...]]]:
        """Like `segments`, with the parts of each run (so that each part can link to its own page)."""
        runs: list[tuple[tuple[PlacePart, ...], tuple[str, ...]]] = []
        for part in self.parts:
            evidence = (part.evidence,) if part.evidence else ()
            if runs and bool(runs[-1][1]) == bool(evidence):
                parts, before = runs[-1]
                runs[-1] = (parts + (part,), before + tuple(e for e in evidence if e not in before))
            else:
                runs.append(((part,), evidence))
        return runs

    @property
    def marked_label(self) -> str:
        """The label with "（推断）" after each inferred run, for text without notes
        (filters, search results, feeds, open data)."""
        if not self.parts:
            return "地区未知"
        return "".join(text + ("（推断）" if evidence else "") for text, evidence in self.segments)

    def part(self, level: str) -> PlacePart | None:
        return next((p for p in self.parts if p.level == level), None)

    def upto(self, level: str) -> "Place":
        """The place cut after `level` (province → just the province)."""
        keep = LEVELS[: LEVELS.index(level) + 1]
        return Place(tuple(p for p in self.parts if p.level in keep))

    @property
    def province_label(self) -> str:
        part = self.part("province")
        return part.name if part else "省份未知"

    @property
    def province_marked(self) -> str:
        part = self.part("province")
        if part is None:
            return "省份未知"
        return part.name + ("（推断）" if part.inferred else "")


def place(region: Region | None, inferred: list[Inference], prefix: str = "region") -> Place:
    """The place of `region`, marking each part named in `inferred` (`region.city`, or `region`
    for all of it)."""
    if region is None:
        return Place()
    whole = next((i.evidence for i in inferred if i.field == prefix), None)
    parts = []
    for level in LEVELS:
        name = getattr(region, level)
        if not name:
            continue
        evidence = next((i.evidence for i in inferred if i.field == f"{prefix}.{level}"), whole)
        parts.append(PlacePart(level=level, name=name, evidence=evidence))
    return Place(tuple(parts))


def inferred_evidence(inferred: list[Inference], field: str) -> str | None:
    """The evidence for `field` (or for a part of it) when it was inferred."""
    for item in inferred:
        if item.field == field or item.field.startswith(field + "."):
            return item.evidence
    return None


def inherit(own: Place, parent: Place) -> Place:
    """`own` with each stated part that equals an inferred part of `parent` marked as inferred too."""
    parts = []
    for part in own.parts:
        theirs = parent.part(part.level)
        if not part.inferred and theirs is not None and theirs.name == part.name and theirs.inferred:
            part = PlacePart(level=part.level, name=part.name, evidence=theirs.evidence)
        parts.append(part)
    return Place(tuple(parts))
