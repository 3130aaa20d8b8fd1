"""Seeded synthetic corpus for the search benchmark.

    python tests/benchmark/corpus.py --reports 10000 --seed 1 --out /tmp/corpus

copies the project (without .git, site, .venv and caches) into --out, replaces
content/reports/ with N synthetic reports by ~40 synthetic bureaus (appended to
data/bureaus.yml with `sample: true`), and writes --out/markers.json: the search
probes, each {"query", "expect", "kind"} where "expect" lists the report pages
(relative to the site root, "reports/<bureau>/<file>/") on which the query must be
found. Expectations are exact: every marker is a rare word that the generator's
vocabulary never produces, and after generation every probe is checked against the
text of every page (title, facts, body, figures) and of the project's own files.

Probe kinds:
  exact        a rare phrase (星河湾示范门诊) on exactly 3 pages
  subword      太阳, a part of the word 太阳能 (jieba keeps 太阳能 whole) on 2 pages.
               Not 通道 inside 青松绿色通道: 绿色通道 is everyday vocabulary here, so a
               query 通道 would match most pages and could not have an exact answer.
  digits       2097年 on 2 pages (no other number in the corpus contains 2097)
  traditional  鳳凰嶺綠色通道 typed in Traditional; the pages say 凤凰岭绿色通道 (2 pages)
  multiword    雪松 海棠: both words on 2 pages, each word alone on 2 more pages
  title        银杏坪, only in the title of one report (the report's bureau has no
               other report, so no other report page shows the title)
  common       征兵体检, on most pages: timed only, "expect" is empty and not scored

Queries as people type them ("top": 3 — the expected pages must be among the first three):
  question     星河湾示范门诊在哪里？ (the exact pages; 在哪里 is a question word)
  typo         星河湾示范门珍 (珍 for 诊, read the same): the exact pages
  together     the title report's province and city typed together without 省/市 (河南安川)
  synonym      紫藤 押金: 2 pages say 紫藤 and 保证金 (押金, in data/synonyms.yml, is on no page)
  english      blood 青檀: 2 pages say 青檀 and 用血
  sentence     a long question around the exact phrase, with words that are on other pages
The new markers are placed with a second random.Random, so that every other page is the
same as without them.

Only random.Random(seed) is used: the same seed gives byte-identical output (given
the same project files; --git-rev REV copies a commit instead of the working tree, so
that a half-finished edit elsewhere in the tree does not break the strict build).
"expect" uses the folder form reports/<bureau>/<file>/ whatever use_directory_urls is;
run.py maps a/b.html and a/b/index.html to it. N=10000 takes about 7 s.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import random
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPY_IGNORE = (".git", "site", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".cache")

sys.path.insert(0, str(ROOT / "hooks"))
from youfu.records import PROVINCES  # noqa: E402
from youfu.reports import KINDS, TOPICS  # noqa: E402

SOURCE = "{file: 001_89d13becceec202a.txt, part: 篇1, where: 合成数据}"
KIND_SLUGS = {"总结": "zongjie", "计划": "jihua", "汇报": "huibao", "述职报告": "shuzhi",
              "实施方案": "fangan", "半年总结": "bannian", "工作要点": "yaodian"}
assert set(KIND_SLUGS) == set(KINDS)
MAINLAND = [p for p in PROVINCES if p not in ("台湾省", "香港特别行政区", "澳门特别行政区")]

# ---------------------------------------------------------------------------
# Markers: phrases that only the chosen pages carry
# ---------------------------------------------------------------------------

EXACT = "星河湾示范门诊"
SUBWORD_QUERY, SUBWORD_WORD = "太阳", "太阳能"
DIGITS = "2097年"
TRAD_QUERY, TRAD_PAGE = "鳳凰嶺綠色通道", "凤凰岭绿色通道"
MULTI_A, MULTI_B = "雪松", "海棠"
TITLE_WORD = "银杏坪"
COMMON = "征兵体检"
SYNONYM_WORD, SYNONYM_QUERY = "紫藤", "紫藤 押金"  # the pages say 保证金
ENGLISH_WORD, ENGLISH_QUERY = "青檀", "blood 青檀"  # the pages say 用血
QUESTION = f"{EXACT}在哪里？"
TYPO = EXACT[:-1] + "珍"  # 诊 → 珍 (both zhen)
SENTENCE = f"我想问一下{EXACT}是不是给军人家属看病优先的地方"

# Needles that must never occur except where placed (checked after generation).
NEEDLES = (EXACT, SUBWORD_QUERY, "2097", "凤凰岭", MULTI_A, MULTI_B, TITLE_WORD, SYNONYM_WORD, ENGLISH_WORD)

MARKER_SENTENCES = {
    "exact": [f"在{EXACT}设立优抚对象专用诊室，由副主任医师以上人员坐诊，实行一站式服务。",
              f"{EXACT}全年接诊军人及家属，对行动不便的重点优抚对象提供上门随访。",
              f"组织各医院到{EXACT}观摩学习，推广其军人优先就诊的做法。"],
    "subword": [f"为偏远乡镇卫生院安装{SUBWORD_WORD}热水器，改善驻村军属就医条件。",
                f"争取资金为敬老院和光荣院配置{SUBWORD_WORD}取暖设备，方便优抚对象冬季体检。"],
    "digits": [f"优抚对象健康档案按规定长期保存，电子备份的保管期限延续至{DIGITS}。",
               f"与驻地部队签订的医疗保障协议约定，合作范围可逐步延伸，远景规划展望到{DIGITS}。"],
    "traditional": [f"在中心医院开设{TRAD_PAGE}，军人凭有效证件可优先挂号、优先检查、优先住院。",
                    f"{TRAD_PAGE}运行平稳，全年为部队官兵和优抚对象办理优先就诊手续。"],
    "multi_both": [f"在{MULTI_A}社区和{MULTI_B}街道设立拥军优属医疗服务点，定期开展义诊。",
                   f"组织医疗队深入{MULTI_A}村和{MULTI_B}村，为退役军人免费测量血压血糖。"],
    "multi_a": [f"在{MULTI_A}社区设立拥军优属医疗服务点，每月开展一次义诊。",
                f"组织医疗队深入{MULTI_A}村，为退役军人建立健康档案。"],
    "multi_b": [f"在{MULTI_B}街道设立拥军优属医疗服务点，每季度开展一次健康讲座。",
                f"组织医疗队深入{MULTI_B}村，为优抚对象免费测量血压血糖。"],
    "synonym": [f"{SYNONYM_WORD}村卫生室为烈士遗属免交住院保证金，每周上门巡诊一次。",
                f"{SYNONYM_WORD}社区卫生站对重点优抚对象住院不收保证金。"],
    "english": [f"{ENGLISH_WORD}社区卫生站为驻军官兵开通用血联络热线。",
                f"与{ENGLISH_WORD}镇血站约定，官兵急需用血时优先调配。"],
}
EXTRA_GROUPS = (("synonym", 2), ("english", 2))  # placed with the second random.Random

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

V: dict[str, list[str]] = {
    "org": ["局机关", "局党组", "局双拥工作领导小组", "各医疗卫生单位", "直属各医疗单位", "各乡镇卫生院",
            "疾病预防控制中心", "卫生监督所", "妇幼保健院", "中心血站", "各社区卫生服务中心", "急救中心"],
    "hosp": ["人民医院", "中医院", "第一人民医院", "第二人民医院", "妇幼保健院", "中心卫生院",
             "社区卫生服务中心", "精神卫生中心", "传染病医院", "中西医结合医院", "口腔医院", "骨科医院"],
    "group": ["优抚对象", "重点优抚对象", "退役军人", "现役军人", "军人家属", "伤残军人", "烈士遗属",
              "复员军人", "带病回乡退伍军人", "参战参试退役人员", "驻地官兵", "军队离退休干部", "军烈属"],
    "service": ["挂号", "就诊", "取药", "住院", "检查", "缴费", "化验", "会诊"],
    "act": ["开通", "设立", "完善", "落实", "规范", "健全", "推行", "强化"],
    "window": ["军人优先窗口", "绿色通道", "便民服务台", "双拥服务站", "退役军人服务专窗", "优抚对象服务台"],
    "insurance": ["新农合", "城乡居民医保", "城镇职工医保", "大病保险", "医疗救助"],
    "measure": ["四优先", "三免", "四减半", "一站式结算", "先诊疗后付费", "床旁结算"],
    "unit": ["驻地部队", "武警中队", "消防救援大队", "人民武装部", "军分区", "预备役团", "边防派出所",
             "驻军医院", "武警支队", "部队卫生队"],
    "role": ["局长", "分管副局长", "院长", "党委书记", "办公室主任", "医政科长", "工会主席"],
    "holiday": ["春节", "八一建军节", "元旦", "中秋节", "国庆节", "老兵退役季"],
    "exam": ["内科", "外科", "五官科", "眼科", "血液检验", "胸部透视", "心电图", "B超", "肝功能", "心理测试"],
    "item": ["米面油", "慰问金", "常用药品", "保健箱", "体检卡", "防暑降温用品", "棉被", "血压计"],
    "goal": ["提高服务质量", "方便军人就医", "巩固双拥模范城创建成果", "增强国防观念", "保障部队战斗力",
             "促进军政军民团结", "维护优抚对象合法权益", "提升基层医疗服务能力"],
    "problem": ["部分基层单位对双拥工作重视不够", "优待政策宣传还不够深入", "个别医院窗口标识不够醒目",
                "基层卫生院人员力量不足", "信息化建设相对滞后", "经费保障渠道比较单一",
                "与部队的日常联系还不够紧密", "部分优抚对象对报销政策了解不多"],
    "reform": ["新农合", "城乡居民医保", "基本药物制度", "分级诊疗", "家庭医生签约服务", "公立医院改革",
               "基本公共卫生服务", "大病保险"],
    "train": ["战地救护", "卫生防疫", "心理疏导", "急救技能", "传染病防治", "中医适宜技术"],
    "blood": ["无偿献血", "互助献血", "成分献血", "应急献血", "临床用血"],
    "verb": ["认真组织", "积极开展", "扎实推进", "深入开展", "全面落实", "有序推进", "切实加强"],
    "adv": ["始终", "一直", "坚持", "不断", "进一步"],
}

TOWN_A = list("东西南北石桥河柳杨李王张周龙青白红清平安宁永兴丰和新古长")
TOWN_B = list("岗坪坝湾店集庄桥岭口镇庙寨营沟园")
PLACE_A = list("安宁清平永长兴富和临泰嘉德高宜庆通顺兰文宝广华承乐汉昌隆恒")
PLACE_B = list("川阳源山江河城林溪州丰原泉都陵津邑曲")
LEVELS = [("city", "市", "市卫生局"), ("county", "县", "县卫生局"), ("district", "区", "区卫生局")]

SENT: dict[str, list[str]] = {
    "intro": [
        "{year}年，{bureau}在上级党委政府和双拥工作领导小组的正确领导下，{adv}把双拥工作作为卫生工作的重要内容来抓，{verb}拥军优属各项工作，取得了较好成效。",
        "一年来，我们围绕{goal}这一目标，结合卫生工作实际，{verb}医疗拥军活动，为驻地部队和{group}提供了优质便捷的医疗服务。",
        "全系统共有医疗卫生单位{n}个，卫生技术人员{big}人，承担着全{area}{group}和驻地官兵的医疗保障任务。",
        "现将有关情况{summary}如下。",
    ],
    "org": [
        "局里成立了以{role}为组长的双拥工作领导小组，下设办公室，明确一名联络员负责日常工作。",
        "{org}把双拥工作纳入年度目标考核，与业务工作同部署、同检查、同考核。",
        "每季度召开一次双拥工作专题会议，研究解决{group}就医中遇到的实际问题。",
        "制定了《医疗卫生系统拥军优属工作实施办法》，明确各单位的职责分工和完成时限。",
        "{role}带头联系驻地部队，定期了解官兵的医疗需求，及时协调解决。",
        "各单位都确定了分管领导和具体经办人，形成了主要领导亲自抓、分管领导具体抓、科室抓落实的工作格局。",
        "把双拥工作开展情况作为评先评优的重要依据，对工作突出的{n}个单位给予通报表扬。",
        "利用宣传栏、电子屏和院务公开栏宣传优待政策，全年制作展板{n}块，发放宣传资料{big}份。",
    ],
    "care": [
        "全{area}各医院在{service}、{service}、{service}等环节{act}{window}，{group}凭有效证件优先办理。",
        "对{group}实行“{measure}”，全年减免各类医疗费用{money}万元。",
        "{hosp}为{group}设立专门病房{n}间，安排责任心强的医护人员负责护理。",
        "{org}为辖区{group}建立健康档案{big}份，每年免费体检一次。",
        "对行动不便的{group}开展上门巡诊，全年上门服务{big}人次。",
        "{hosp}与{unit}签订医疗服务协议，官兵住院费用由医院先行垫付，按月结算。",
        "严格落实{group}医疗费用减免政策，做到政策公开、标准统一、手续简便。",
        "对患有慢性病的{group}实行定期随访，及时调整治疗方案。",
        "各医院在门诊大厅醒目位置悬挂{window}标识牌，安排专人引导{group}就医。",
        "为{group}发放医疗优待证{big}张，持证人员在定点医院享受优先服务。",
    ],
    "channel": [
        "{act}军人就医{window}，{group}急诊可先救治后办理手续。",
        "{hosp}开设拥军门诊，由主治医师以上人员坐诊，全年接诊军人及家属{big}人次。",
        "对驻地部队转诊的伤病员，做到随到随诊、优先检查、优先住院。",
        "各医院公布了{window}的服务电话，实行二十四小时值班制度。",
        "与{unit}建立远程会诊协作关系，全年开展远程会诊{n}次。",
        "{org}在年度医院巡查中把{window}设置情况列为检查内容，发现问题当场整改。",
    ],
    "exam": [
        "按照上级征兵工作的统一部署，{verb}征兵体检工作，抽调{exam}、{exam}等专业骨干{n}人组成体检队。",
        "体检前对参检医务人员进行集中培训，认真学习《应征公民体格检查标准》，严格体检纪律。",
        "体检站设在{hosp}，{exam}、{exam}、{exam}等科室布局合理，流程顺畅。",
        "全年共完成{big}名应征青年的体格检查，没有发生一起责任事故和投诉。",
        "实行体检结果集体讨论和复检制度，确保体检结果真实准确，为部队输送合格兵员。",
        "对体检不合格的青年耐心做好解释工作，并给予必要的健康指导。",
        "配合人民武装部做好定兵前的复查，复查合格率达到{pct}。",
    ],
    "blood": [
        "{verb}{blood}活动，全年采血{big}人次，采血量{big}毫升，保障了临床用血需求。",
        "与驻地部队建立{blood}应急队伍，官兵积极报名，已登记{big}人。",
        "对参加过{blood}的官兵和{group}，本人及其直系亲属临床用血按规定优先保障。",
        "{hosp}输血科为军人开设用血优先通道，紧急用血时做到随到随发。",
        "在{holiday}期间组织血站进军营，方便官兵就近献血。",
    ],
    "visit": [
        "{holiday}前后，{role}带队走访慰问{unit}和{group}，送去{item}和{item}，折合人民币{money}万元。",
        "组织医疗队到{unit}开展送医送药活动，为官兵免费体检{big}人次，发放药品价值{money}万元。",
        "召开{group}座谈会，听取他们对医疗服务的意见建议，现场解决问题{n}个。",
        "对生活困难的{group}家庭，逐户上门慰问，帮助解决看病就医中的实际困难。",
        "组织医务人员到光荣院和敬老院为{group}检查身体，建立一人一档。",
    ],
    "joint": [
        "与{unit}开展军民共建活动，双方签订共建协议，明确共建内容和责任。",
        "为部队培训卫生员{n}名，内容包括{train}和{train}。",
        "邀请部队官兵到医院开展国防教育讲座，增强医务人员的国防观念。",
        "在部队营区设立医疗服务点，每月派出医生巡诊一次。",
        "组织医疗卫生系统的转业、复员军人座谈，发挥他们在军民共建中的桥梁作用。",
        "对随军家属就业和军人子女入学问题，{org}积极协调，优先安排。",
    ],
    "reform": [
        "{verb}{reform}工作，{group}在参加{insurance}的基础上享受医疗优待。",
        "全{area}新农合参合率达到{pct}，住院费用报销比例进一步提高。",
        "将{group}全部纳入{insurance}保障范围，个人缴费部分由民政部门统一代缴。",
        "推行住院费用即时结报，{group}出院时只需支付个人负担部分。",
        "落实{reform}，基层医疗卫生机构的服务能力明显增强。",
        "为{group}开展家庭医生签约服务，全年签约{big}人，签约服务覆盖率达到{pct}。",
        "{insurance}对{group}住院费用实行倾斜报销，报销比例提高{n}个百分点。",
    ],
    "train": [
        "举办{train}培训班{n}期，培训基层医务人员{big}人次。",
        "选派{n}名业务骨干到上级医院进修学习，提高诊疗水平。",
        "开展{train}技能竞赛，评选出优秀个人{n}名。",
        "对口支援{n}所乡镇卫生院，派驻医生{n}名，帮助建立规范的诊疗流程。",
    ],
    "issue": [
        "{problem}。",
        "{problem}，需要在今后的工作中认真加以解决。",
    ],
    "plan": [
        "{adv}{act}{window}，让{group}就医更加方便快捷。",
        "加强与{unit}的沟通联系，{verb}医疗拥军活动。",
        "{verb}{reform}，切实减轻{group}的医疗负担。",
        "加大优待政策宣传力度，做到家喻户晓、人人皆知。",
        "{verb}征兵体检工作，确保为部队输送合格兵员。",
        "积极争取资金，改善基层医疗卫生机构的服务条件。",
    ],
}

SECTIONS = [  # (key, headings, topics)
    ("org", ["加强组织领导", "健全工作机制", "组织领导和宣传"], ["国防教育"]),
    ("care", ["落实优抚医疗优待", "优抚对象就医优待", "医疗优待政策落实情况"], ["优抚医疗", "惠民医疗"]),
    ("channel", ["开通就医绿色通道", "军人优先就诊", "完善绿色通道"], ["绿色通道", "医疗服务"]),
    ("exam", ["认真做好征兵体检", "征兵体检工作", "圆满完成征兵体检任务"], ["征兵体检"]),
    ("blood", ["保障部队用血", "献血和用血优先", "无偿献血工作"], ["献血用血"]),
    ("visit", ["走访慰问", "开展送医送药活动", "节日走访慰问"], ["走访慰问"]),
    ("joint", ["深化军民共建", "军民共建和安置", "共建共育"], ["军民共建", "退役安置"]),
    ("reform", ["推进卫生改革惠及优抚对象", "新农合和医疗保障", "深化医改"], ["新农合", "卫生改革", "基层卫生"]),
    ("train", ["加强人才培训", "对口支援和人才培养", "提升服务能力"], ["人才培训", "对口支援"]),
]
for _key, _h, _topics in SECTIONS:
    assert set(_topics) <= set(TOPICS), _topics

TITLE_WORDS = ["双拥工作", "拥军优属工作", "医疗拥军工作", "卫生工作", "优抚医疗工作", "双拥共建工作"]
SUMMARY_WORDS = {"总结": "总结", "计划": "安排", "汇报": "汇报", "述职报告": "报告", "实施方案": "安排",
                 "半年总结": "总结", "工作要点": "安排"}

HAN = re.compile(r"[\u3400-\u9fff]")
SLOT = re.compile(r"\{(\w+)\}")


def _compile(template: str) -> list[str]:
    """'a{x}b' → ['a', 'x', 'b']: literals at even positions, slot names at odd ones."""
    return SLOT.split(template)


COMPILED = {key: [_compile(t) for t in templates] for key, templates in SENT.items()}


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.decks: dict[str, list[int]] = {}

    def new_report(self) -> None:
        self.decks = {}

    def number(self, low: int, high: int) -> str:
        while True:
            value = str(self.rng.randint(low, high))
            if "2097" not in value:
                return value

    def fill(self, parts: list[str], ctx: dict[str, str]) -> str:
        rng = self.rng
        out = []
        seen: list[str] = []  # vocabulary words already used in this sentence
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(part)
                continue
            if part in ctx:
                out.append(ctx[part])
            elif part in V:
                word = rng.choice(V[part])
                while word in seen:
                    word = rng.choice(V[part])
                seen.append(word)
                out.append(word)
            elif part == "n":
                out.append(self.number(2, 60))
            elif part == "big":
                out.append(self.number(60, 9800))
            elif part == "pct":
                out.append(f"{rng.randint(850, 999) / 10:.1f}%")
            elif part == "money":
                out.append(f"{rng.randint(15, 3000) / 10:.1f}")
            elif part == "summary":
                out.append(rng.choice(["总结", "汇报", "报告"]))
            else:
                raise KeyError(part)
        return "".join(out)

    def sentence(self, key: str, ctx: dict[str, str]) -> str:
        """A sentence from `key`'s templates, each used once before any repeats (per report)."""
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = list(range(len(COMPILED[key])))
            self.rng.shuffle(deck)
        return self.fill(COMPILED[key][deck.pop()], ctx)


def han(text: str) -> int:
    return len(HAN.findall(text))


def make_bureaus(rng: random.Random, count: int) -> list[dict]:
    used: set[str] = set()
    bureaus = []
    for k in range(1, count + 1):
        while True:
            place = rng.choice(PLACE_A) + rng.choice(PLACE_B)
            if place not in used and not any(n in place for n in NEEDLES):
                used.add(place)
                break
        level, suffix, name_suffix = LEVELS[0] if k % 3 else LEVELS[rng.randint(1, 2)]
        parent = rng.choice(PLACE_A) + rng.choice(PLACE_B) + "市"
        region = {"province": rng.choice(MAINLAND), "city": place + "市" if level == "city" else parent,
                  "county": None if level == "city" else place + suffix}
        bureaus.append({"id": f"sample-{k:02d}-{level}", "name": place + name_suffix, "level": level,
                        "region": region, "place": place + suffix})
    return bureaus


def bureaus_yaml(bureaus: list[dict]) -> str:
    lines = ["", "# ---- 合成数据（tests/benchmark/corpus.py 生成，仅用于搜索基准测试）----"]
    for b in bureaus:
        r = b["region"]
        lines += [f"- id: {b['id']}", f"  name: {b['name']}", "  type: 卫生局", f"  level: {b['level']}",
                  "  region:", f"    province: {r['province']}", f"    city: {r['city']}",
                  f"    county: {r['county'] if r['county'] else 'null'}", f"  sources:", f"    - {SOURCE}",
                  "  sample: true", ""]
    return "\n".join(lines)


def town_names(rng: random.Random, k: int) -> list[str]:
    names: list[str] = []
    while len(names) < k:
        name = rng.choice(TOWN_A) + rng.choice(TOWN_B) + rng.choice(["镇", "乡", "街道"])
        if name not in names:
            names.append(name)
    return names


def table(w: Writer, kind: str, towns: list[str]) -> list[str]:
    rng = w.rng
    if kind == "exam":
        rows = ["| 乡镇 | 上站人数 | 合格人数 | 合格率 |", "| --- | ---: | ---: | ---: |"]
        for town in towns:
            total = rng.randint(20, 180)
            ok = rng.randint(total // 3, total)
            rows.append(f"| {town} | {total} | {ok} | {ok * 100 / total:.1f}% |")
        return rows
    if kind == "visit":
        rows = ["| 慰问对象 | 走访户数 | 慰问物品 | 折合金额（万元） |", "| --- | ---: | --- | ---: |"]
        for who in rng.sample(V["group"], len(towns)):
            rows.append(f"| {who} | {w.number(5, 400)} | {rng.choice(V['item'])}、{rng.choice(V['item'])} "
                        f"| {rng.randint(5, 900) / 10:.1f} |")
        return rows
    rows = ["| 医疗机构 | 优先服务人次 | 减免费用（万元） | 设立窗口 |", "| --- | ---: | ---: | --- |"]
    for hosp in rng.sample(V["hosp"], len(towns)):
        rows.append(f"| {hosp} | {w.number(60, 9000)} | {rng.randint(5, 900) / 10:.1f} | {rng.choice(V['window'])} |")
    return rows


def figures_yaml(w: Writer, year: int, sections: list[str]) -> list[str]:
    rng = w.rng
    out: list[str] = []
    if "exam" in sections and rng.random() < 0.6:
        passed, failed = int(w.number(60, 900)), int(w.number(60, 900))
        while "2097" in str(passed + failed):
            failed += 1
        out += ["  - id: conscription-exams", "    what: 参加征兵体检的应征青年", f"    value: {passed + failed}",
                "    unit: 人", f"    period: {year}年", "    where: 征兵体检一节", "    parts:",
                f"      - {{what: 体检合格, value: {passed}, unit: 人}}",
                f"      - {{what: 体检不合格, value: {failed}, unit: 人}}", "    discrepancy: null"]
    if "care" in sections and rng.random() < 0.5:
        out += ["  - id: fee-waivers", "    what: 为优抚对象减免的医疗费用", f"    value: {w.number(3, 900)}",
                "    unit: 万元", f"    period: {year}年", "    where: 优抚医疗一节", "    discrepancy: null"]
    if "blood" in sections and rng.random() < 0.5:
        out += ["  - id: blood-donations", "    what: 无偿献血", f"    value: {w.number(100, 9000)}",
                "    unit: 人次", f"    period: {year}年", "    where: 献血一节", "    discrepancy: null"]
    return ["figures:", *out] if out else ["figures: []"]


def make_report(w: Writer, bureau: dict, year: int, kind: str, title: str,
                markers: list[str], extra: list[str] = (), extra_rng: random.Random | None = None) -> tuple[str, str, str]:
    """Returns (file text, the page's text for the marker check, the first paragraph)."""
    rng = w.rng
    w.new_report()
    target = rng.randint(2230, 2530)
    ctx = {"year": str(year), "bureau": bureau["name"], "area": bureau["place"][-1]}
    chosen = rng.sample(SECTIONS, rng.randint(5, 7))
    chosen.sort(key=SECTIONS.index)
    keys = [key for key, _h, _t in chosen]
    topics = [t for t in TOPICS if any(t in ts for _k, _h, ts in chosen)][:8]
    table_kind = rng.choice([k for k in ("exam", "visit", "care") if k in keys] or ["care"])
    towns = town_names(rng, rng.randint(4, 7))

    intro = "".join(w.fill(t, ctx) for t in COMPILED["intro"])
    closing_issue = [w.sentence("issue", ctx) for _ in range(rng.randint(2, 3))]
    closing_plan = [w.sentence("plan", ctx) for _ in range(rng.randint(3, 5))]
    used = han(intro) + sum(map(han, closing_issue + closing_plan)) + 12
    budget = max(60, (target - used) // len(chosen))

    blocks: list[list[str]] = [[intro]]  # paragraphs; a heading or list is one block
    marker_slots: list[tuple[int, int]] = []  # (block index, position) where a marker may go
    number = "一二三四五六七八九十"
    for index, (key, headings, _topics) in enumerate(chosen):
        blocks.append([f"## {number[index]}、{rng.choice(headings)}"])
        spent = 0
        as_list = rng.random() < 0.3
        if key == table_kind:
            rows = table(w, key, towns)
            spent += sum(map(han, rows))
        else:
            rows = []
        while budget - spent > 70:  # stop near the budget (a paragraph is ~140 Han characters)
            count = rng.randint(2, 4)
            sentences = [w.sentence(key, ctx) for _ in range(count)]
            spent += sum(map(han, sentences))
            if as_list and blocks[-1][0].startswith("- "):
                blocks[-1].extend("- " + s for s in sentences)  # one list per section
            elif as_list:
                blocks.append(["- " + s for s in sentences])
            else:
                blocks.append(["".join(sentences)])
            if (len(blocks) - 1, 0) not in marker_slots:
                marker_slots.append((len(blocks) - 1, 0))
            if rows and spent >= budget // 2:
                blocks.append(["各单位情况见下表。"])
                blocks.append(rows)
                rows = []
        if rows:
            blocks.append(rows)
    blocks.append([f"## {number[len(chosen)]}、存在的问题"])
    blocks.append(["- " + s for s in closing_issue])
    blocks.append([f"## {number[len(chosen) + 1]}、下一步打算"])
    blocks.append(["".join(closing_plan)])

    for sentence, place in [(m, rng) for m in markers] + [(m, extra_rng) for m in extra]:
        block_index, _ = place.choice(marker_slots)
        block = blocks[block_index]
        if block[0].startswith("- "):
            block.insert(place.randint(0, len(block)), "- " + sentence)
        else:
            block[0] = block[0] + sentence

    body = "\n\n".join("\n".join(b) for b in blocks) + "\n"
    figures = figures_yaml(w, year, keys)
    front = ["---", f"title: {title}", f"bureau: {bureau['id']}", f"year: {year}", f"kind: {kind}",
             f"topics: [{', '.join(topics)}]", "sources:", f"  - {SOURCE}", *figures, "sample: true", "---", ""]
    text = "\n".join(front) + "\n" + body
    page_text = "\n".join([title, bureau["name"], str(bureau["region"]), kind, " ".join(topics), f"{year}年",
                           "\n".join(figures), body])
    return text, page_text, intro


def report_title(rng: random.Random, bureau: dict, year: int, kind: str) -> str:
    word = rng.choice(TITLE_WORDS)
    if kind in ("计划", "工作要点", "实施方案"):
        return f"{bureau['name']}{year}年{word}{kind}"
    if kind == "半年总结":
        return f"{bureau['name']}{year}年上半年{word}总结"
    return f"{bureau['name']}{year}年{word}{kind}"


def copy_project(out: Path, rev: str | None = None) -> None:
    """The working tree without .git, site, .venv and caches; or, with `rev`, that commit."""
    if rev is None:
        shutil.copytree(ROOT, out, ignore=shutil.ignore_patterns(*COPY_IGNORE), dirs_exist_ok=True)
        return
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                         capture_output=True, check=True).stdout
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(out, filter="data")


def generate(reports: int, seed: int, out: Path, bureau_count: int = 40, rev: str | None = None) -> list[dict]:
    if reports < 20:
        raise SystemExit("--reports must be at least 20 (the probes need 17 distinct pages)")
    out = out.resolve()
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists and is not empty")
    rng = random.Random(seed)
    w = Writer(rng)
    copy_project(out, rev)
    folder = out / "content" / "reports"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    bureaus = make_bureaus(rng, bureau_count + 1)
    title_bureau, bureaus = bureaus[-1], bureaus[:-1]  # the title probe's report is this bureau's only one

    # Which report carries which marker (indices into the regular reports; disjoint).
    regular = reports - 1
    picks = rng.sample(range(regular), 3 + 2 + 2 + 2 + 2 + 2 + 2)
    plan: dict[int, tuple[str, str]] = {}
    groups = [("exact", 3), ("subword", 2), ("digits", 2), ("traditional", 2), ("multi_both", 2),
              ("multi_a", 2), ("multi_b", 2)]
    cursor = 0
    for group, count in groups:
        for j in range(count):
            plan[picks[cursor]] = (group, MARKER_SENTENCES[group][j % len(MARKER_SENTENCES[group])])
            cursor += 1

    # The new markers go to other pages, chosen by a second generator (the first one's
    # draws, and so every other page, stay as they were).
    extra_rng = random.Random(seed * 7919 + 17)
    extra_picks = extra_rng.sample([i for i in range(regular) if i not in plan], sum(c for _g, c in EXTRA_GROUPS))
    extra_plan: dict[int, tuple[str, str]] = {}
    cursor = 0
    for group, count in EXTRA_GROUPS:
        for j in range(count):
            extra_plan[extra_picks[cursor]] = (group, MARKER_SENTENCES[group][j % len(MARKER_SENTENCES[group])])
            cursor += 1

    with (out / "data" / "bureaus.yml").open("a", encoding="utf-8") as file:
        file.write(bureaus_yaml(bureaus + [title_bureau]))

    names: dict[tuple[str, int, str], int] = {}
    placed: dict[str, list[str]] = {g: [] for g, _c in groups + list(EXTRA_GROUPS)}
    texts: dict[str, str] = {}
    titles: dict[str, str] = {}
    excerpts: dict[str, str] = {}

    def write(bureau: dict, year: int, kind: str, title: str, markers: list[str], extra: list[str] = ()) -> str:
        key = (bureau["id"], year, KIND_SLUGS[kind])
        names[key] = names.get(key, 0) + 1
        stem = f"{year}-{KIND_SLUGS[kind]}" + (f"-{names[key]}" if names[key] > 1 else "")
        text, page_text, intro = make_report(w, bureau, year, kind, title, markers, extra, extra_rng)
        path = folder / bureau["id"] / f"{stem}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        url = f"reports/{bureau['id']}/{stem}/"
        texts[url], titles[url], excerpts[url] = page_text, title, intro
        return url

    kinds_weighted = ["总结"] * 4 + ["计划"] * 3 + ["汇报", "述职报告", "实施方案", "半年总结", "工作要点"]
    for i in range(regular):
        bureau = rng.choice(bureaus)
        year = rng.randint(2005, 2024)
        kind = rng.choice(kinds_weighted)
        title = report_title(rng, bureau, year, kind)
        markers = [plan[i][1]] if i in plan else []
        url = write(bureau, year, kind, title, markers, [extra_plan[i][1]] if i in extra_plan else [])
        if i in plan:
            placed[plan[i][0]].append(url)
        if i in extra_plan:
            placed[extra_plan[i][0]].append(url)
    title_year = rng.randint(2005, 2024)
    title_url = write(title_bureau, title_year, "总结",
                      f"{title_bureau['name']}{TITLE_WORD}巡回医疗队{title_year}年工作总结", [])

    both = sorted(placed["multi_both"])
    probes = [
        {"query": EXACT, "expect": sorted(placed["exact"]), "kind": "exact"},
        {"query": SUBWORD_QUERY, "expect": sorted(placed["subword"]), "kind": "subword"},
        {"query": DIGITS, "expect": sorted(placed["digits"]), "kind": "digits"},
        {"query": TRAD_QUERY, "expect": sorted(placed["traditional"]), "kind": "traditional"},
        {"query": f"{MULTI_A} {MULTI_B}", "expect": both, "kind": "multiword"},
        {"query": TITLE_WORD, "expect": [title_url], "kind": "title"},
        {"query": COMMON, "expect": [], "kind": "common"},
        {"query": QUESTION, "expect": sorted(placed["exact"]), "kind": "question", "top": 3},
        {"query": TYPO, "expect": sorted(placed["exact"]), "kind": "typo", "top": 3},
        {"query": _strip_level(title_bureau["region"]["province"]) + _strip_level(title_bureau["region"]["city"]),
         "expect": [title_url], "kind": "together", "top": 3},
        {"query": SYNONYM_QUERY, "expect": sorted(placed["synonym"]), "kind": "synonym", "top": 3},
        {"query": ENGLISH_QUERY, "expect": sorted(placed["english"]), "kind": "english", "top": 3},
        {"query": SENTENCE, "expect": sorted(placed["exact"]), "kind": "sentence", "top": 3},
    ]
    _check(out, probes, texts, titles, excerpts, placed)
    (out / "markers.json").write_text(json.dumps(probes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return probes


def _strip_level(name: str) -> str:
    """安川市 → 安川, 河南省 → 河南, 广西壮族自治区 → 广西: as a reader types a place."""
    return re.sub("(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市|区|县)$", "", name)


def _check(out: Path, probes, texts, titles, excerpts, placed) -> None:
    """Every probe's expectation is exactly the set of report pages holding its needle."""
    def having(*needles: str) -> list[str]:
        return sorted(url for url, text in texts.items() if all(n in text for n in needles))

    wanted = {
        EXACT: sorted(placed["exact"]), SUBWORD_QUERY: sorted(placed["subword"]),
        DIGITS: sorted(placed["digits"]), "2097": sorted(placed["digits"]),
        TRAD_PAGE: sorted(placed["traditional"]), "凤凰岭": sorted(placed["traditional"]),
        MULTI_A: sorted(placed["multi_both"] + placed["multi_a"]),
        MULTI_B: sorted(placed["multi_both"] + placed["multi_b"]),
        TITLE_WORD: [p["expect"][0] for p in probes if p["kind"] == "title"],
        SYNONYM_WORD: sorted(placed["synonym"]), ENGLISH_WORD: sorted(placed["english"]),
    }
    for needle, expect in wanted.items():
        got = having(needle)
        assert got == expect, f"{needle}: on {got}, expected {expect}"
    assert having(MULTI_A, MULTI_B) == sorted(placed["multi_both"])
    assert having(SYNONYM_WORD, "保证金") == sorted(placed["synonym"]) and not having("押金")
    assert having(ENGLISH_WORD, "用血") == sorted(placed["english"])
    for url in texts:
        for needle in NEEDLES:
            if needle != TITLE_WORD:
                assert needle not in titles[url] and needle not in excerpts[url], (needle, url)
    # ... and nowhere in the project's own pages, data or templates.
    reports = out / "content" / "reports"
    for sub in ("content", "data", "overrides"):
        for path in sorted((out / sub).rglob("*")):
            if path.is_file() and reports not in path.parents:
                try:
                    text = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue
                if path.name == "bureaus.yml":
                    text = text.split("# ---- 合成数据")[0]
                for needle in NEEDLES:
                    assert needle not in text, f"{needle} occurs in {path}"
    assert (out / "mkdocs.yml").read_text(encoding="utf-8").count(EXACT) == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, required=True, help="number of reports (N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bureaus", type=int, default=40)
    parser.add_argument("--out", type=Path, required=True, help="new or empty folder")
    parser.add_argument("--git-rev", metavar="REV",
                        help="copy this commit (git archive) instead of the working tree")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    probes = generate(args.reports, args.seed, args.out, args.bureaus, args.git_rev)
    print(f"{args.reports} reports, {len(probes)} probes → {args.out} ({time.perf_counter() - started:.1f} s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
