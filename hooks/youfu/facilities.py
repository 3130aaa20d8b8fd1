"""Facilities (hospitals, blood centres, CDCs …) and blood-priority rules.

Reads `data/facilities.yml` and `data/blood_rules.yml`. Contact details appear
only when a source states them; otherwise they stay empty and pages say 未公布.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .records import ChangeNote, Checks, Claim, Curated, Id, Inferences, Record, Region, Sources, Text

FACILITIES_FILE = "data/facilities.yml"
BLOOD_FILE = "data/blood_rules.yml"

KINDS = ("综合医院", "中医医院", "妇幼保健院", "血站", "疾病预防控制中心", "社区卫生服务中心", "乡镇卫生院",
         "专科医院", "卫生监督所", "卫生院", "其他")
Kind = Literal["综合医院", "中医医院", "妇幼保健院", "血站", "疾病预防控制中心", "社区卫生服务中心",
               "乡镇卫生院", "专科医院", "卫生监督所", "卫生院", "其他"]

# The fixed service vocabulary. A meaning says what the service is, never who may use it:
# who it is for differs between sources and is shown from each record's own source.
SERVICES: dict[str, str] = {
    "军人优先窗口": "挂号、收费、取药等窗口设有优先办理的标识或专门窗口。",
    "绿色通道": "为规定的对象开设的就医快速通道，急危重症先救治。",
    "军人病房": "专门设置的病房或床位。",
    "先诊疗后结算": "先治疗，事后再结算费用。",
    "一站式结算": "各项报销和减免在一个窗口一次办完。",
    "优抚门诊": "专为优抚对象设立的门诊。",
    "优抚病房": "专为优抚对象设立的病房。",
    "征兵体检定点": "资料写明的征兵体检定点机构。",
    "征兵体检": "参与征兵体检工作（资料未写明是定点机构）。",
    "优先用血": "部队用血时优先供应。",
    "惠民医院": "按当地方案为困难群众减免费用的定点医院。",
    "惠民门诊": "按当地方案为困难群众减免费用的门诊。",
    "部队体检": "为驻军官兵做健康检查。",
    "驻军饮水卫生": "为驻军做饮用水卫生检测。",
    "驻军食品卫生": "为驻军做食品卫生检验。",
    "传染病防控协作": "与部队通报疫情、共同防控传染病。",
    "义诊巡诊": "组织医生义诊。",
    "对口支援": "派医生、设备或资金支援其他医疗机构。",
    "健康档案": "建立健康档案并跟踪随访（对象见出处）。",
}
Service = Literal[tuple(SERVICES)]  # type: ignore[valid-type]

# Services a servicemember, family member or other entitled person would go to the facility for:
# only facilities offering one of these get a "before you go" card.
MILITARY_SERVICES = frozenset({"军人优先窗口", "绿色通道", "军人病房", "先诊疗后结算", "一站式结算", "优抚门诊",
                               "优抚病房", "优先用血"})

Status = Literal["in_use", "under_construction", "planned", "closed", "unknown"]
STATUS_NAMES: dict[str, str] = {"in_use": "在用", "under_construction": "在建", "planned": "计划中",
                                "closed": "已关闭", "unknown": "不详"}


class Facility(Record):
    id: Id
    name: Text = Field(description="机构名称（按原文）")
    kind: Kind = Field(description="机构类别")
    bureau: Id = Field(description="所属卫生部门 id")
    region: Region | None = Field(default=None, description="与所属部门不同时才写")
    services: Annotated[list[Service], Field(default_factory=list, description="服务（固定词表）")]
    address: Text | None = Field(default=None, description="地址：资料写明时才填")
    phone: Annotated[str, Field(pattern=r"^[0-9][0-9\-]{2,19}$")] | None = Field(
        default=None, description="电话：资料写明时才填，只用数字和连字符")
    hours: Text | None = Field(default=None, description="服务时间：资料写明时才填")
    status: Status = Field(description="资料所述的状态：in_use 在用 | under_construction 在建 | planned 计划中 "
                                       "| closed 已关闭 | unknown 不详（资料没说时写 unknown，不要猜）")
    status_note: Text | None = Field(default=None, description="状态出自资料的哪句话（自己的话）；status 不是 unknown 时必填")
    claim: Claim = Field(description="资料的性质与时期：机构的服务出自计划、工作记录还是规定")
    curated: Curated
    checks: Checks
    shared_text: bool = Field(default=False, description="同一段模板文字见于多份资料时为 true（sources 列出全部）")
    sources: Sources
    inferred: Inferences
    note: Text | None = None
    sample: bool = False
    draft: bool = Field(default=False, description="草稿：true 时只在预览（youfu serve）里显示，不发布")
    change_note: ChangeNote | None = None

    @model_validator(mode="after")
    def _status_explained(self):
        if self.status != "unknown" and not self.status_note:
            raise ValueError(f"status 为 {self.status}（{STATUS_NAMES[self.status]}）时必须写 status_note，"
                             "说明资料的哪句话写了这个状态；资料没说就写 status: unknown")
        if self.claim.kind == "law":
            raise ValueError("机构的 claim.kind 不能是 law；写 local_rule、plan、report 或 campaign")
        if self.shared_text and len({(s.file, s.part, s.where) for s in self.sources}) < 2:
            raise ValueError("shared_text: true 表示同一段文字见于多份资料，sources 至少要列出两处")
        return self

    @property
    def marked_name(self) -> str:
        """The name with （名称为推断） when the source does not give it, for text without notes."""
        return self.name + ("（名称为推断）" if any(i.field == "name" for i in self.inferred) else "")

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def military(self) -> bool:
        """Offers a service an entitled person would go there for."""
        return bool(MILITARY_SERVICES & set(self.services))


BloodKind = Literal["deposit_exemption", "priority_supply", "refund", "other"]
BLOOD_KINDS = {"deposit_exemption": "免交用血保证金", "priority_supply": "优先供血", "refund": "费用返还",
               "other": "其他"}


class BloodRule(Record):
    id: Id
    bureau: Id
    facility: Id | None = Field(default=None, description="血站等机构 id")
    kind: BloodKind
    who: Annotated[list[Id], Field(min_length=1, description="适用群体 id")]
    who_detail: Text = Field(description="适用对象（按原文的范围，用自己的话）")
    what: Text = Field(description="优待内容（自己的话）")
    show: Annotated[list[Text], Field(default_factory=list, description="资料写明要出示的证件")]
    claim: Claim = Field(description="这是什么性质的说法（法律、地方规定、计划……）以及时期")
    curated: Curated
    checks: Checks
    shared_text: bool = Field(default=False, description="同一段模板文字见于多份资料时为 true（sources 列出全部）")
    sources: Sources
    inferred: Inferences
    note: Text | None = None
    sample: bool = False
    change_note: ChangeNote | None = None

    @model_validator(mode="after")
    def _template_sources(self):
        if self.shared_text and len({(s.file, s.part, s.where) for s in self.sources}) < 2:
            raise ValueError("shared_text: true 表示同一段文字见于多份资料，sources 至少要列出两处")
        return self

    @property
    def kind_name(self) -> str:
        return BLOOD_KINDS[self.kind]

    @property
    def national(self) -> bool:
        return self.claim.kind == "law"
