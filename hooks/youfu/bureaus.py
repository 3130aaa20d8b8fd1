"""Bureaus: the health bureaus and other offices whose documents the site draws on.

Reads `data/bureaus.yml`. Every other kind points at a bureau by id.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .records import ChangeNote, Id, Inferences, Level, LEVEL_NAMES, Record, Region, Sources, Text

FILE = "data/bureaus.yml"


class Bureau(Record):
    id: Id = Field(description="唯一标识（小写字母、数字和连字符），用于网址")
    name: Text = Field(description="机构名称；未具名的写作“某县卫生局（资料001篇6）”")
    type: Literal["卫生局", "医疗机构", "其他机构"] = Field(default="卫生局", description="机构类别")
    level: Level = Field(description="行政层级：province 省级 | city 市级 | district 区级 | county 县级")
    region: Region = Field(description="所在地区；未知的部分写 null")
    sources: Sources
    shared_text: bool = Field(default=False, description="这份文字是网上流传的模板、见于多份资料时为 true（sources 列出全部）")
    inferred: Inferences
    note: Text | None = Field(default=None, description="补充说明")
    change_note: ChangeNote | None = None
    sample: bool = Field(default=False, description="示例数据（并非来自资料）时为 true")

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def marked_name(self) -> str:
        """The name with （名称为推断） when the source does not give it, for text without notes."""
        return self.name + ("（名称为推断）" if self.is_inferred("name") else "")

    def is_inferred(self, field_name: str) -> bool:
        return any(i.field == field_name or i.field.startswith(field_name + ".") for i in self.inferred)


def page_path(bureau_id: str) -> str:
    return f"bureaus/{bureau_id}.md"
