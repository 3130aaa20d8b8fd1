"""Validation of groups, benefit packages, facilities and blood rules: exact messages."""
from __future__ import annotations

import pytest

from youfu.catalog import load_catalog

GROUPS = """\
- id: veteran
  name: 退役军人
  definition: 依法退出现役的军人。
- id: key-entitled
  name: 重点优抚对象
  definition: 享受抚恤补助的重点对象。
- id: meritorious
  name: 革命功臣
  definition: 立功受奖的老同志。
  parent: key-entitled
"""

LEGAL = """\
- id: veterans-law
  title: 《中华人民共和国退役军人保障法》
  short: 退役军人保障法
  issuer: 全国人民代表大会常务委员会
  adopted: 2020-11-11
  in_force: 2021-01-01
  curated: 2026-11-22
"""

PACKAGE = """\
- id: test-package
  bureau: test-city
  title: 测试市优抚对象就医优惠
  cards: [优抚对象医疗证]
  curated: 2026-11-22
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}
  items:
    - id: four-priorities
      type: priority
      label: 四优先
      covers: [挂号, 就诊, 取药, 住院]
      groups: [key-entitled]
    - id: seven-cuts
      type: discount
      label: 七减
      rate_percent: 30
      groups: [key-entitled]
      facilities: [test-hospital]
  claim: {kind: report, period: {year: 2014, certainty: stated}}
"""

FACILITY = """\
- id: test-hospital
  name: 测试市人民医院
  kind: 综合医院
  bureau: test-city
  services: [绿色通道, 军人病房]
  curated: 2026-11-22
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇1, where: 第二段}
  status: unknown
  claim: {kind: report, period: {year: 2014, certainty: stated}}
"""

BLOOD = """\
- id: test-deposit
  bureau: test-city
  facility: test-hospital
  kind: deposit_exemption
  who: [veteran]
  who_detail: 退役军人
  what: 用血时不交保证金
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇1, where: 第三段}
  curated: 2026-11-22
  claim: {kind: report, period: {year: 2014, certainty: stated}}
"""


def files(**changes: str) -> dict[str, str]:
    base = {"data/groups.yml": GROUPS, "data/legal.yml": LEGAL, "data/benefits.yml": PACKAGE,
            "data/facilities.yml": FACILITY, "data/blood_rules.yml": BLOOD}
    base.update({f"data/{k}.yml": v for k, v in changes.items()})
    return base


def messages(repo, **changes) -> list[str]:
    _, problems = load_catalog(repo(files(**changes)))
    return [str(p) for p in sorted(problems)]


def test_valid_benefit_data(repo):
    catalog, problems = load_catalog(repo(files()))
    assert problems == []
    (package,) = catalog.packages
    assert [i.label for i in package.items] == ["四优先", "七减"]
    assert catalog.region_of(catalog.facilities.get("test-hospital")).label == "江苏省测试市"


CASES = {
    "unknown service and unknown region key": (
        {"facilities": FACILITY.replace("军人病房", "军人食堂").replace(
            "  curated", "  region: {province: 江苏省, town: 扬州}\n  curated")},
        ["data/facilities.yml:5: services[2] 只能是 军人优先窗口、绿色通道、军人病房、先诊疗后结算、一站式结算、"
         "优抚门诊、优抚病房、征兵体检定点、征兵体检、优先用血、惠民医院、惠民门诊、部队体检、驻军饮水卫生、驻军食品卫生、"
         "传染病防控协作、义诊巡诊、对口支援、健康档案 之一（现在写的是 \"军人食堂\"）",
         "data/facilities.yml:6: region 里不能有键 town；可以用的键：province, city, county"]),
    "unknown province": (
        {"facilities": FACILITY.replace("  curated", "  region: {province: 江苏, city: 扬州市}\n  curated")},
        ["data/facilities.yml:6: region.province 必须是省级行政区的全称，例如 江苏省（是不是要写 江苏省？）"]),
    "invented-looking phone and impossible date": (
        {"facilities": FACILITY.replace("  curated: 2026-11-22",
                                        "  phone: 电话待查\n  curated: 2026-02-30")},
        ['data/facilities.yml:6: phone 只能有数字和短横线（现在写的是 "电话待查"）',
         "data/facilities.yml:7: 日期 2026-02-30 不存在：必须是日历上真有的日期（YYYY-MM-DD）"]),
    "dangling references": (
        {"benefits": PACKAGE.replace("groups: [key-entitled]\n      facilities", "groups: [soldier]\n      facilities")
                            .replace("[test-hospital]", "[no-hospital]").replace("bureau: test-city", "bureau: x")},
        ["data/benefits.yml:2: bureau 写的 x 在 data/bureaus.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/bureaus.yml 里添加",
         "data/benefits.yml:18: group 写的 soldier 在 data/groups.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/groups.yml 里添加",
         "data/benefits.yml:19: facility 写的 no-hospital 在 data/facilities.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/facilities.yml 里添加"]),
    "local package without bureau": (
        {"benefits": PACKAGE.replace("  bureau: test-city\n", "")},
        ["data/benefits.yml:1: 地方做法（scope: local）必须写 bureau（所属卫生部门）"]),
    "discount over 100 percent": (
        {"benefits": PACKAGE.replace("rate_percent: 30", "rate_percent: 130")},
        ["data/benefits.yml:17: items[2].rate_percent 不能大于 100（现在写的是 130）"]),
    "blood rule with unknown group and facility": (
        {"blood_rules": BLOOD.replace("[veteran]", "[veterans]").replace("facility: test-hospital", "facility: bank")},
        ["data/blood_rules.yml:3: facility 写的 bank 在 data/facilities.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/facilities.yml 里添加",
         "data/blood_rules.yml:5: group 写的 veterans 在 data/groups.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/groups.yml 里添加"]),
    "group with unknown parent and duplicate id": (
        {"groups": GROUPS.replace("parent: key-entitled", "parent: entitled") + GROUPS.split("- id: key-entitled")[0]},
        ["data/groups.yml:10: group 写的 entitled 在 data/groups.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/groups.yml 里添加",
         "data/groups.yml:11: id veteran 只能用一次（第 1 行已经用过）；请换一个 id"]),
}


@pytest.mark.parametrize("name", CASES)
def test_broken_benefit_data(repo, name):
    changes, expected = CASES[name]
    assert messages(repo, **changes) == expected
