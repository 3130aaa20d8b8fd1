"""Facilities (hospitals, blood centres, CDCs …) and blood-priority rules.

Reads `data/facilities.yml` and `data/blood_rules.yml`. Contact details appear
only when a source states them; otherwise they stay empty and pages say 未公布.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .records import Id, Inferences, PastDate, Record, Region, Sources, Text, Year

FACILITIES_FILE = "data/facilities.yml"
BLOOD_FILE = "data/blood_rules.yml"

KINDS = ("综合医院", "中医医院", "妇幼保健院", "血站", "疾病预防控制中心", "社区卫生服务中心", "乡镇卫生院",
         "专科医院", "卫生监督所", "卫生院", "其他")
Kind = Literal["综合医院", "中医医院", "妇幼保健院", "血站", "疾病预防控制中心", "社区卫生服务中心",
               "乡镇卫生院", "专科医院", "卫生监督所", "卫生院", "其他"]

# The fixed service vocabulary, with what each means for a visitor.
SERVICES: dict[str, str] = {
    "军人优先窗口": "挂号、收费、取药等窗口设有军人优先标识，军人和优抚对象可优先办理。",
    "绿色通道": "急危重症先救治、后办手续，部队官兵和优抚对象可走专门通道。",
    "军人病房": "为军人或优抚对象专设的病房或床位。",
    "先诊疗后结算": "先看病治疗，出院或就诊结束时再结算费用。",
    "一站式结算": "各项报销和减免在一个窗口一次办完。",
    "优抚门诊": "专为优抚对象设立的门诊。",
    "优抚病房": "专为优抚对象设立的病房。",
    "征兵体检定点": "承担征兵体检任务的定点机构。",
    "优先用血": "部队和军人用血时优先保障。",
    "惠民医院": "按规定为困难群众减免费用的定点医院。",
    "惠民门诊": "按规定为困难群众减免费用的门诊。",
    "部队体检": "为驻军官兵做健康检查。",
    "驻军饮水卫生": "为驻军做饮用水卫生检测和指导。",
    "驻军食品卫生": "为驻军做食品卫生检查和指导。",
    "传染病防控协作": "与部队通报疫情、共同防控传染病。",
    "义诊巡诊": "组织医生到部队、社区或乡村义诊。",
    "对口支援": "派医生、设备或资金支援基层或外地医疗机构。",
    "健康档案": "为优抚对象等建立健康档案并跟踪随访。",
}
Service = Literal[tuple(SERVICES)]  # type: ignore[valid-type]


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
    status: Literal["在用", "暂停", "撤销"] = Field(default="在用")
    last_verified: PastDate
    sources: Sources
    inferred: Inferences
    note: Text | None = None
    sample: bool = False


BloodKind = Literal["deposit_exemption", "priority_supply", "refund", "other"]
BLOOD_KINDS = {"deposit_exemption": "免交用血保证金", "priority_supply": "优先供血", "refund": "费用返还",
               "other": "其他"}


class BloodRule(Record):
    id: Id
    bureau: Id
    facility: Id | None = Field(default=None, description="血站等机构 id")
    kind: BloodKind
    who: Annotated[list[Id], Field(min_length=1, description="适用群体 id")]
    who_detail: Text = Field(description="适用对象（自己的话）")
    what: Text = Field(description="优待内容（自己的话）")
    show: Annotated[list[Text], Field(default_factory=list, description="需要出示的证件")]
    level: Literal["national", "local"] = "local"
    year: Year | None = None
    last_verified: PastDate | None = None
    sources: Sources
    inferred: Inferences
    note: Text | None = None
    sample: bool = False

    @property
    def kind_name(self) -> str:
        return BLOOD_KINDS[self.kind]
