"""Benefits: who gets what at the hospital, where, and on what legal basis.

Reads `data/groups.yml` (beneficiary groups), `data/legal.yml` (national
instruments), `data/glossary.yml` (terms such as 四优先) and `data/benefits.yml`
(benefit packages: national ones from the law, local ones from a bureau's report).
Local variants are kept as they are written; nothing is merged across places.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .records import Id, Inferences, PastDate, Record, SourceRef, Text, Year, rule_error

GROUPS_FILE = "data/groups.yml"
LEGAL_FILE = "data/legal.yml"
GLOSSARY_FILE = "data/glossary.yml"
BENEFITS_FILE = "data/benefits.yml"

ItemType = Literal["priority", "fee_waiver", "discount", "one_stop", "dedicated_clinic", "dedicated_ward",
                   "free_checkup", "health_file", "green_channel", "home_visit", "card", "other"]

ITEM_TYPES: dict[str, str] = {
    "priority": "优先服务", "fee_waiver": "费用减免", "discount": "费用优惠", "one_stop": "一站式结算",
    "dedicated_clinic": "优抚门诊", "dedicated_ward": "优抚病房", "free_checkup": "免费体检",
    "health_file": "健康档案", "green_channel": "绿色通道", "home_visit": "上门服务", "card": "优待证件",
    "other": "其他",
}


class Group(Record):
    id: Id
    name: Text = Field(description="群体名称，如 退役军人")
    aliases: Annotated[list[Text], Field(default_factory=list, description="别称，如 军属")]
    definition: Text = Field(description="通俗的定义")
    parent: Id | None = Field(default=None, description="上级群体 id（如 革命功臣 属于 重点优抚对象）")
    bring: Annotated[list[Text], Field(default_factory=list, description="就医时一般要带的证件")]
    ask: Text | None = Field(default=None, description="向谁咨询")
    order: int = Field(default=100, description="排列顺序")


class LegalArticle(Record):
    article: Text = Field(description="条款，如 第五十二条")
    summary: Text = Field(description="条款要点（自己的话）")


class LegalInstrument(Record):
    id: Id
    title: Text = Field(description="全称")
    short: Text = Field(description="简称")
    issuer: Text = Field(description="制定或发布机关")
    number: Text | None = Field(default=None, description="文号，如 退役军人部发〔2020〕1号")
    adopted: PastDate | None = Field(default=None, description="通过或印发日期")
    in_force: date | None = Field(default=None, description="施行日期")
    revisions: Annotated[list[Text], Field(default_factory=list, description="修订情况")]
    articles: Annotated[list[LegalArticle], Field(default_factory=list)]
    note: Text | None = None
    last_verified: PastDate

    @model_validator(mode="after")
    def _dates_in_order(self):
        """A law comes into force on or after the day it is adopted; it may be announced
        ahead, but not by more than five years."""
        if self.adopted and self.in_force and self.in_force < self.adopted:
            raise rule_error("不能早于 adopted（通过日期）；请核对两个日期", field="in_force")
        latest = date.today() + timedelta(days=5 * 366)
        if self.in_force and self.in_force > latest:
            raise rule_error(f"最晚只能是五年后（{latest.isoformat()}）；请核对日期", field="in_force")
        return self


class Term(Record):
    id: Id
    term: Text = Field(description="词语，如 四优先")
    plain: Text = Field(description="通俗解释")
    note: Text | None = Field(default=None, description="各地说法不同等补充")


class LegalRef(Record):
    law: Id = Field(description="data/legal.yml 中的 id")
    article: Text | None = Field(default=None, description="条款")


class Item(Record):
    id: Id
    type: ItemType = Field(description="类别")
    label: Text = Field(description="当地的叫法，如 四优先、七减")
    covers: Annotated[list[Text], Field(default_factory=list, description="具体包括的项目")]
    rate_percent: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="优惠幅度（减免的百分比；减半=50），原文未写明时为 null")
    groups: Annotated[list[Id], Field(min_length=1, description="适用群体 id")]
    facilities: Annotated[list[Id], Field(default_factory=list, description="适用机构 id")]
    legal: Annotated[list[LegalRef], Field(default_factory=list, description="法律依据")]
    sources: Annotated[list[SourceRef], Field(default_factory=list, description="出处（不写则同所属优待项目）")]
    inferred: Inferences
    note: Text | None = None

    @property
    def type_name(self) -> str:
        return ITEM_TYPES[self.type]


class Package(Record):
    id: Id
    scope: Literal["national", "local"] = Field(default="local", description="全国性规定或地方做法")
    bureau: Id | None = Field(default=None, description="地方做法所属卫生部门 id（全国性规定不写）")
    year: Year | None = None
    title: Text
    cards: Annotated[list[Text], Field(default_factory=list, description="就医时要出示的证件")]
    where_to_go: Text | None = Field(default=None, description="到哪里办理")
    legal: Annotated[list[LegalRef], Field(default_factory=list, description="法律依据")]
    sources: Annotated[list[SourceRef], Field(default_factory=list, description="出处（地方做法必填）")]
    inferred: Inferences
    last_verified: PastDate
    items: Annotated[list[Item], Field(min_length=1)]
    note: Text | None = None
    sample: bool = False

    @model_validator(mode="after")
    def _scope_rules(self):
        if self.scope == "local" and self.bureau is None:
            raise ValueError("a local package must name its bureau")
        if self.scope == "local" and not self.sources:
            raise ValueError("a local package must cite its sources")
        if self.scope == "national" and not self.legal:
            raise ValueError("a national package must name its legal basis in legal")
        return self

    def item_sources(self, item: Item) -> list[SourceRef]:
        return item.sources or self.sources


def package_path(package_id: str) -> str:
    return f"benefits/packages/{package_id}.md"


def group_path(group_id: str) -> str:
    return f"benefits/groups/{group_id}.md"
