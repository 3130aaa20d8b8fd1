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

from .records import ChangeNote, Checks, Claim, Curated, Id, Inferences, PastDate, Record, SourceRef, Text, rule_error

GROUPS_FILE = "data/groups.yml"
LEGAL_FILE = "data/legal.yml"
GLOSSARY_FILE = "data/glossary.yml"
BENEFITS_FILE = "data/benefits.yml"

ItemType = Literal["priority", "fee_waiver", "discount", "one_stop", "dedicated_clinic", "dedicated_ward",
                   "free_checkup", "health_file", "green_channel", "home_visit", "card", "other", "support"]

ITEM_TYPES: dict[str, str] = {
    "priority": "优先服务", "fee_waiver": "费用减免", "discount": "费用优惠", "one_stop": "一站式结算",
    "dedicated_clinic": "优抚门诊", "dedicated_ward": "优抚病房", "free_checkup": "免费体检",
    "health_file": "健康档案", "green_channel": "绿色通道", "home_visit": "上门服务", "card": "优待证件",
    "other": "其他",
    "support": "对部队或工作人员的支持",
}
# Types that are not medical care for a person (support for the troops, staff resettlement …):
# listed apart on group pages and left out of the before-you-go checklist.
NOT_PERSONAL = frozenset({"support"})


class LegalRef(Record):
    law: Id = Field(description="data/legal.yml 中的 id")
    article: Text | None = Field(default=None, description="条款")


class Document(Record):
    """A card or certificate to show, with the law or source that names it."""

    what: Text = Field(description="证件名称，如 中华人民共和国退役军人优待证")
    legal: Annotated[list[LegalRef], Field(default_factory=list, description="规定这个证件的法律条款")]
    sources: Annotated[list[SourceRef], Field(default_factory=list, description="提到这个证件的资料")]

    @model_validator(mode="after")
    def _cited(self):
        if not self.legal and not self.sources:
            raise ValueError("要带的证件必须写明依据：在 legal 写法律条款，或在 sources 写出处；"
                             "没有依据的不要写（页面会显示“资料未写明”）")
        return self


class Group(Record):
    id: Id
    name: Text = Field(description="群体名称，如 退役军人")
    aliases: Annotated[list[Text], Field(default_factory=list, description="别称，如 军属")]
    definition: Text = Field(description="通俗的说明（不是法律定义）")
    defined_by: Annotated[list[LegalRef], Field(default_factory=list, description="给出这一群体法律定义的条款（核实过才写）")]
    parent: Id | None = Field(default=None, description="上级群体 id（如 革命功臣 属于 重点优抚对象）")
    bring: Annotated[list[Document], Field(default_factory=list, description="就医时要带的证件，每项写明依据")]
    see_also: Annotated[list[Id], Field(default_factory=list, description="相关群体 id（页面上提示“也请看”）")]
    order: int = Field(default=100, description="排列顺序")
    change_note: ChangeNote | None = None


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
    curated: Curated
    unverified: Annotated[list[Text], Field(default_factory=list, description="尚未与官方公布的文本核对的内容（页面照写）")]
    change_note: ChangeNote | None = None
    checks: Checks

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
    change_note: ChangeNote | None = None
    note: Text | None = Field(default=None, description="各地说法不同等补充")
    sources: Annotated[list[SourceRef], Field(default_factory=list, description="这个词出现在哪些资料")]
    legal: Annotated[list[LegalRef], Field(default_factory=list, description="规定这个词的法律条款")]

    @model_validator(mode="after")
    def _cited(self):
        if not self.sources and not self.legal:
            raise ValueError("名词必须注明出处：在 sources 写出现这个词的资料，或在 legal 写法律条款")
        return self


class Item(Record):
    id: Id
    type: ItemType = Field(description="类别")
    label: Text = Field(description="当地的叫法，如 四优先、七减")
    covers: Annotated[list[Text], Field(default_factory=list, description="具体包括的项目")]
    rate_percent: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="优惠幅度（减免的百分比；减半=50），原文未写明时为 null")
    groups: Annotated[list[Id], Field(min_length=1, description="适用群体 id（用于按身份查找）")]
    who_detail: Text | None = Field(default=None, description="原文怎样写适用对象（如 生活困难的复转军人）；与群体不完全一致时必须写")
    claim: Claim | None = Field(default=None, description="与所属优待项目不同时才写（如计划中的某一项）")
    facilities: Annotated[list[Id], Field(default_factory=list, description="适用机构 id")]
    legal: Annotated[list[LegalRef], Field(default_factory=list, description="法律依据")]
    sources: Annotated[list[SourceRef], Field(default_factory=list, description="出处（不写则同所属优待项目）")]
    inferred: Inferences
    note: Text | None = None

    @property
    def type_name(self) -> str:
        return ITEM_TYPES[self.type]

    @property
    def personal(self) -> bool:
        """Medical care a person can ask for (not support for the troops or staff)."""
        return self.type not in NOT_PERSONAL


class Package(Record):
    id: Id
    scope: Literal["national", "local"] = Field(default="local", description="全国性规定或地方做法")
    bureau: Id | None = Field(default=None, description="地方做法所属卫生部门 id（全国性规定不写）")
    claim: Claim = Field(description="这是什么性质的说法：法律、地方规定、计划、工作记录或限期活动，以及时期")
    title: Text
    cards: Annotated[list[Text], Field(default_factory=list, description="资料写明的、就医时要出示的证件")]
    where_to_go: Text | None = Field(default=None, description="资料写明的办理地点")
    legal: Annotated[list[LegalRef], Field(default_factory=list, description="法律依据")]
    sources: Annotated[list[SourceRef], Field(default_factory=list, description="出处（地方做法必填）")]
    shared_text: bool = Field(default=False, description="同一段模板文字见于多份资料时为 true（sources 列出全部）")
    inferred: Inferences
    curated: Curated
    checks: Checks
    items: Annotated[list[Item], Field(min_length=1)]
    note: Text | None = None
    change_note: ChangeNote | None = None
    sample: bool = False

    @model_validator(mode="after")
    def _scope_rules(self):
        if self.scope == "local" and self.bureau is None:
            raise ValueError("地方做法（scope: local）必须写 bureau（所属卫生部门）")
        if self.scope == "local" and not self.sources:
            raise ValueError("地方做法（scope: local）必须在 sources 写明出处")
        if self.scope == "national" and not self.legal:
            raise ValueError("全国性规定（scope: national）必须在 legal 写明法律依据")
        if self.scope == "national" and self.claim.kind != "law":
            raise ValueError("全国性规定（scope: national）的 claim.kind 必须是 law")
        if self.scope == "local" and self.claim.kind == "law":
            raise ValueError("地方做法（scope: local）的 claim.kind 不能是 law；地方文件写 local_rule")
        for item in self.items:
            if item.claim is not None and item.claim.kind == "law" and self.scope == "local":
                raise ValueError(f"地方做法中的项目 {item.id} 的 claim.kind 不能是 law")
        if self.shared_text and len({(s.file, s.part, s.where) for s in self.sources}) < 2:
            raise ValueError("shared_text: true 表示同一段文字见于多份资料，sources 至少要列出两处")
        return self

    def item_sources(self, item: Item) -> list[SourceRef]:
        return item.sources or self.sources

    def claim_of(self, item: Item) -> Claim:
        """An item's own claim, or else its package's."""
        return item.claim or self.claim


def package_path(package_id: str) -> str:
    return f"benefits/packages/{package_id}.md"


def group_path(group_id: str) -> str:
    return f"benefits/groups/{group_id}.md"
