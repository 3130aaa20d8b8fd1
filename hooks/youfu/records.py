"""Typed records shared by every data kind, and turning raw YAML into them.

Records are frozen pydantic models with `extra="forbid"` and strict types: a value
is converted once, here, and templates only ever see records. Pydantic's errors are
rephrased as rules (`level must be one of …`) and placed on the YAML line they
concern, using the line map from `yamlio`.
"""
from __future__ import annotations

import difflib
import math
import re
import reprlib
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, ValidationInfo,
                      model_validator)
from pydantic_core import PydanticCustomError

from .problems import Problem
from .yamlio import Loaded, show_key, unsafe_char, invisible_message

# ---------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------

_MARKUP = re.compile(r"[<>]")


def _plain(text: str) -> str:
    if _MARKUP.search(text):
        raise ValueError("只能是纯文字，不能有 < 或 >（不能写 HTML；书名请用《》）")
    if text != text.strip():
        raise ValueError("开头和结尾不能有空格，请删去")
    return text


def rule_error(message: str, field: str | None = None) -> PydanticCustomError:
    """An error whose message is already a rule in our words (Chinese first), to follow
    the field's name: `rule_error("不能早于 adopted（通过日期）…", field="in_force")`.
    `field` places an error raised for a whole record on the line of that field."""
    return PydanticCustomError("youfu_rule", "{message}", {"message": message, "field": field})


# Names, titles and other short labels: one line, at most SHORT_TEXT characters.
# Everything else (notes, definitions, summaries): at most LONG_TEXT characters.
SHORT_TEXT = 200
LONG_TEXT = 2_000
SHORT_FIELDS = frozenset({
    "name", "title", "short", "term", "label", "issuer", "number", "article", "part", "where", "what", "field",
    "aliases", "city", "county", "language", "period", "cards", "bring", "show", "covers", "address", "hours", "ask",
})


# What `youfu new` writes where staff must write their own words: always in full-width
# brackets and starting with 用自己的话写, so that validate and the build refuse it until rewritten.
PLACEHOLDER = re.compile(r"（用自己的话写[：:][^）\n]*）")
PLACEHOLDER_MESSAGE = "这里还是模板占位文字，请改写：把（用自己的话写：…）整个括号换成自己写的内容"


def placeholder(what: str) -> str:
    """The text `youfu new` writes where staff must write their own words."""
    return f"（用自己的话写：{what}）"


def _sane(text: str, info: ValidationInfo) -> str:
    bad = unsafe_char(text)
    if bad:
        raise rule_error(invisible_message(bad))
    if PLACEHOLDER.search(text):
        raise rule_error(PLACEHOLDER_MESSAGE)
    if info.field_name in SHORT_FIELDS:
        if "\n" in text:
            raise rule_error("不能换行：名称、标题、地址这类文字要写在一行里；请删掉换行")
        if len(text) > SHORT_TEXT:
            raise rule_error(f"最多 {SHORT_TEXT} 个字（现在有 {len(text):,} 个字）：名称、标题、地址这类文字要简短；请精简")
    elif len(text) > LONG_TEXT:
        raise rule_error(f"最多 {LONG_TEXT:,} 个字（现在有 {len(text):,} 个字）：说明、定义这类文字也要简明；"
                         "请精简，或分成几条写")
    return text


Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(_plain), AfterValidator(_sane)]
"""Plain text shown to readers. Never HTML: `<` and `>` are refused. Short fields
(`SHORT_FIELDS`: names, titles …) are one line of at most 200 characters, others at
most 2,000; no invisible or control characters."""


def _not_future(day: date) -> date:
    today = date.today()
    if day > today:
        raise rule_error(f"不能晚于今天（{today.isoformat()}）：这里记的是已经发生的事；请核对日期")
    return day


PastDate = Annotated[date, AfterValidator(_not_future)]
"""A date of something done: verified, adopted. Never later than today."""


def _year_of_practice(year: int) -> int:
    latest = date.today().year + 1
    if year > latest:
        raise rule_error(f"不能晚于明年（{latest} 年）：这里记的是已经实行或已经计划的做法；请核对年份")
    return year


Year = Annotated[int, Field(ge=1949, le=2100), AfterValidator(_year_of_practice)]
"""The year of a local practice or rule: 1949 at the earliest, next year at the latest
(a plan may name next year)."""

CHANGE_NOTE_MAX = 200
_NOTE_MARKUP = re.compile(r"[<>`*#\[\]|_]|\]\(|https?://")
_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")


def _change_note(text: str) -> str:
    if not text.strip():
        raise ValueError("（更新说明）不能是空的：写一句给读者看的中文，说明改了什么，或者删去这一行")
    if "\n" in text or "\r" in text:
        raise ValueError("（更新说明）只能写一行")
    if _NOTE_MARKUP.search(text):
        raise ValueError("（更新说明）只能是纯文字：不要用 < > ` * # [ ] | _ 等标记，也不要写网址")
    if not _HAN_CHAR.search(text):
        raise ValueError("（更新说明）要用中文写给读者，例如“更正了医院电话”（不要写英文提交说明）")
    if len(text) > CHANGE_NOTE_MAX:
        raise ValueError(f"（更新说明）最多 {CHANGE_NOTE_MAX} 个字（现在 {len(text)} 个字）")
    return _plain(text)


ChangeNote = Annotated[str, AfterValidator(_change_note), Field(
    description="给读者看的更新说明（中文一句话，最多200字，纯文字），页面显示为“最后更新 日期：说明”；不写则只显示日期")]
"""A note for readers about the last change, in Chinese: shown as 最后更新 DATE：NOTE."""

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
"""A stable identifier used in addresses: lowercase a–z, digits and single dashes."""

SOURCE_FILE = r"^\d{3}_[0-9a-f]{16}\.txt$"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SourceRef(Record):
    """Where in a source document a fact comes from."""

    file: Annotated[str, StringConstraints(pattern=SOURCE_FILE)] = Field(
        description="源文件名，如 001_89d13becceec202a.txt")
    part: Text = Field(description="文中篇目，如 篇5、篇一、全文")
    where: Text = Field(description="在该篇中的位置（用自己的话描述，不照抄原文）")

    @property
    def number(self) -> str:
        """The three-digit number that starts the file name ("001")."""
        return self.file[:3]


class Inference(Record):
    """A value the source does not state, with the evidence it was inferred from."""

    field: Text = Field(description="被推断的字段，如 region.city 或 year")
    evidence: Text = Field(description="推断依据")


Sources = Annotated[list[SourceRef], Field(min_length=1, description="出处，至少一条")]
Inferences = Annotated[list[Inference], Field(default_factory=list, description="推断的值及依据")]


PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
)


def _province(name: str) -> str:
    if name not in PROVINCES:
        close = difflib.get_close_matches(name, PROVINCES, n=1, cutoff=0.75)
        hint = f"（是不是要写 {close[0]}？）" if close else ""
        raise ValueError(f"必须是省级行政区的全称，例如 江苏省{hint}")
    return name


Province = Annotated[str, AfterValidator(_province)]


class Region(Record):
    province: Province | None = Field(default=None, description="省级全称，如 江苏省（未知时为 null）")
    city: Text | None = Field(default=None, description="地市级（未知或不适用时为 null）")
    county: Text | None = Field(default=None, description="区县级（未知或不适用时为 null）")

    @property
    def label(self) -> str:
        parts = [p for p in (self.province, self.city, self.county) if p]
        return "".join(parts) if parts else "地区未知"

    @property
    def province_label(self) -> str:
        return self.province or "省份未知"



# ---------------------------------------------------------------------------
# Claim qualifiers: what kind of claim a record is, for which period, how sure
# ---------------------------------------------------------------------------

ClaimKind = Literal["law", "local_rule", "plan", "report", "campaign"]
CLAIM_KINDS: dict[str, str] = {
    "law": "法律法规", "local_rule": "地方规定", "plan": "工作计划", "report": "工作记录", "campaign": "限期活动",
}
"""What a source says a thing is: a national law, a local rule in force as its source states, a plan
("要…", "将…": not an entitlement), a report of what was done, or a campaign with dates."""

Certainty = Literal["stated", "inferred", "doubtful", "unknown"]
CERTAINTY_NAMES: dict[str, str] = {"stated": "原文写明", "inferred": "推断", "doubtful": "存疑", "unknown": "不详"}

class Period(Record):
    """The year or range a source speaks of, and how that is known."""

    year: Year | None = Field(default=None, description="年份（范围的起始年）")
    until: Year | None = Field(default=None, description="范围的结束年（只有一个年份时不写）")
    start: date | None = Field(default=None, description="起始日期（限期活动写明时填）")
    end: date | None = Field(default=None, description="结束日期（限期活动写明时填）")
    certainty: Certainty = Field(description="stated 原文写明 | inferred 推断 | doubtful 原文写了但存疑 | unknown 不详")
    evidence: Text | None = Field(default=None, description="推断或存疑的依据；不详时可写原因（如：原文写作20XX）")

    @model_validator(mode="after")
    def _consistent(self):
        dated = self.year is not None or self.start is not None
        if self.certainty == "unknown" and (dated or self.until is not None or self.end is not None):
            raise ValueError("certainty 为 unknown（不详）时不能再写年份或日期；知道年份就写 stated、inferred 或 doubtful")
        if self.certainty != "unknown" and not dated:
            raise ValueError(f"certainty 为 {self.certainty} 时必须写 year（或 start）；不知道年份请写 certainty: unknown")
        if self.certainty in {"inferred", "doubtful"} and not self.evidence:
            raise ValueError(f"certainty 为 {self.certainty}（{CERTAINTY_NAMES[self.certainty]}）时必须写 evidence，说明依据")
        if self.until is not None and self.year is not None and self.until < self.year:
            raise ValueError(f"until（{self.until}）不能早于 year（{self.year}）")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end（{self.end}）不能早于 start（{self.start}）")
        if self.start and self.year is not None and self.start.year != self.year:
            raise ValueError(f"start 的年份（{self.start.year}）必须与 year（{self.year}）一致")
        return self

    @property
    def first_year(self) -> int | None:
        return self.year if self.year is not None else (self.start.year if self.start else None)

    @property
    def last_year(self) -> int | None:
        if self.until is not None:
            return self.until
        if self.end is not None:
            return self.end.year
        return self.first_year

    @property
    def label(self) -> str:
        """"2014年3月20日至12月31日", "约2008—2010年", "2020年", "年份不详" (marks are added by templates)."""
        if self.certainty == "unknown":
            return "年份不详"
        if self.start and self.end:
            end = (f"{self.end.month}月{self.end.day}日" if self.end.year == self.start.year
                   else f"{self.end.year}年{self.end.month}月{self.end.day}日")
            return f"{self.start.year}年{self.start.month}月{self.start.day}日至{end}"
        first, last = self.first_year, self.last_year
        return f"{first}年" if first == last else f"{first}—{last}年"


class Claim(Record):
    """What kind of claim a record is and the period its source speaks of."""

    kind: ClaimKind = Field(description="law 法律法规 | local_rule 地方规定（资料所述当时有效）| plan 工作计划（要…、将…）"
                                        "| report 工作记录（当年做了什么）| campaign 限期活动（写明起止日期）")
    period: "Period" = Field(description="资料所说的年份或时期，以及怎样得知")

    @model_validator(mode="after")
    def _campaign_dates(self):
        if self.kind == "campaign" and not (self.period.start and self.period.end):
            raise ValueError("kind 为 campaign（限期活动）时 period 必须写 start 和 end（起止日期）")
        return self

    @property
    def kind_name(self) -> str:
        return CLAIM_KINDS[self.kind]

    @property
    def is_plan(self) -> bool:
        return self.kind == "plan"


CheckMethod = Literal["phone", "visit", "official_website", "official_publication", "letter"]
CHECK_METHODS: dict[str, str] = {"phone": "电话", "visit": "到访", "official_website": "官方网站",
                                 "official_publication": "官方公布的文本", "letter": "书面答复"}


class Check(Record):
    """A check of a record with the facility or the issuing office itself (not with our sources)."""

    on: PastDate = Field(description="核实日期（不能晚于今天）")
    method: CheckMethod = Field(description="phone 电话 | visit 到访 | official_website 官方网站 "
                                            "| official_publication 官方公布的文本 | letter 书面答复")
    by: Text = Field(description="核实人的职务或单位（不写姓名），如 某区卫生健康局办公室")
    contact: Text = Field(description="向谁核实（机构或部门名称），如 医院医务科")
    result: Text = Field(description="核实结果（自己的话）")

    @property
    def method_name(self) -> str:
        return CHECK_METHODS[self.method]


Checks = Annotated[list[Check], Field(default_factory=list, description="向机构或发文单位核实的记录（没有核实过就不写）")]
Curated = Annotated[PastDate, Field(description="资料整理日期：从资料整理出这条记录的日期（不是向机构核实的日期）")]


Level = Literal["province", "city", "district", "county"]
LEVEL_NAMES: dict[str, str] = {"province": "省级", "city": "市级", "district": "区级", "county": "县级"}

# ---------------------------------------------------------------------------
# Conversion: raw value → record, or problems on the right lines
# ---------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def convert(model: type[M], value: Any, loaded: Loaded, at: tuple, shown: str) -> tuple[M | None, list[Problem]]:
    """Validate `value` (found at path `at` in `loaded`) as `model`."""
    if not isinstance(value, dict):
        line = loaded.line_of(at)
        return None, [Problem(path=shown, line=line,
                              message=f"每一条都必须是「键: 值」的写法（现在是{_kind_of(value)}）")]
    try:
        return model.model_validate(value), []
    except ValidationError as err:
        problems = []
        for error in err.errors(include_url=False):
            loc = tuple(error["loc"])
            field_of_record = (error.get("ctx") or {}).get("field") if error["type"] == "youfu_rule" else None
            if field_of_record:
                loc += (field_of_record,)  # a rule about a whole record, told on the line of its field
            if at + loc in loaded.reported or at + _clean(loc) in loaded.reported:
                continue  # the YAML reader already said what is wrong with this value
            if error["type"] == "missing" and at + loc[:-1] in loaded.merged:
                continue  # the refused merge key is the news, not the keys it would have given
            line = loaded.line_of(at + loc)
            word = loaded.words.get(at + _clean(loc))
            problem = Problem(path=shown, line=line, message=_rephrase(model, error, loc, word))
            if problem not in problems:  # a union reports each branch; say it once
                problems.append(problem)
        return None, problems


def _kind_of(value: Any) -> str:
    """What a value is, in Chinese, for "（现在是…）"."""
    if value is None:
        return "空的"
    import datetime as dt

    return {str: "文字", int: "数字", float: "数字", bool: "是/否（true/false）", list: "列表",
            dict: "「键: 值」的写法", dt.date: "日期", dt.datetime: "日期加时间"}.get(type(value), "别的类型的值")


def _name(loc: tuple) -> str:
    """`("sources", 0, "file")` → `sources[1].file` (items counted from 1 for editors)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + show_key(part)
    return out or "entry"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Allowed keys of the model found at `loc` (for 'unknown key' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    meta = getattr(annotation, "__origin__", None)
    if meta is not None and isinstance(meta, type) and issubclass(meta, BaseModel):
        return meta
    return None


_EXPECTED = {
    "string_type": "必须是文字",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_type": "必须是数字",
    "bool_type": "只能写 true（是）或 false（否）",
    "list_type": "必须是列表（每项一行，以 - 开头）",
    "dict_type": "必须是「键: 值」的写法",
    "model_type": "必须是「键: 值」的写法",
    "model_attributes_type": "必须是「键: 值」的写法",
    "date_type": "必须是日期，写成 YYYY-MM-DD",
    "none_required": "必须留空（null）",
}

_COMPARE = {"greater_than_equal": ("ge", "不能小于"), "less_than_equal": ("le", "不能大于"),
            "greater_than": ("gt", "必须大于"), "less_than": ("lt", "必须小于")}


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" → "a、b、c"."""
    return "、".join(part.strip().strip("'") for part in re.split(r",| or ", expected) if part.strip())


def _clean(loc: tuple) -> tuple:
    """pydantic adds the chosen union branch to loc ("str", "function-after[...]"); drop it."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"str", "int", "float", "none"})))


def _field_info(model: type[BaseModel], loc: tuple) -> Any:
    """The pydantic FieldInfo of the field at `loc`, or None."""
    current: Any = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return info


# Chinese names of fields that have no description in their model.
LABELS = {"year": "年份", "note": "说明", "value": "数值", "name": "名称",
          "title": "标题", "topics": "主题", "in_force": "施行日期", "adopted": "通过日期"}


def _labelled(model: type[BaseModel], loc: tuple) -> str:
    """`in_force（施行日期）`: the field's name and, from its description, what it is in Chinese."""
    name = _name(loc)
    last = next((p for p in reversed(loc) if isinstance(p, str)), None)
    info = _field_info(model, loc)
    label = re.split(r"[（(，,；;：:]", info.description or "")[0].strip() if info is not None else ""
    if not label or len(label) > 12:
        label = LABELS.get(last or "", "")
    return f"{name}（{label}）" if label else f"{name} "


_OCTAL_12 = re.compile(r"[-+]?0o[0-7_]+")
_EXPONENT = re.compile(r"[-+]?(?:\d[\d_]*)?\.?\d*[eE][-+]?\d+")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _number_hint(text: str) -> str | None:
    """Why `text`, written where a number belongs, is not read as one (None: no better idea)."""
    if len(text) > 60:
        return None
    shown = _show(text)
    if _OCTAL_12.fullmatch(text):
        return f"写的 {shown} 是八进制写法，这里读不出数字；请直接写十进制数字"
    if _EXPONENT.fullmatch(text):
        return f"写的 {shown} 是科学计数法，这里读不出数字；请直接写出完整的数字"
    if _THOUSANDS.fullmatch(text):
        return f"写的 {shown} 带有千位分隔符，这里读不出数字；请去掉逗号，写成 {text.replace(',', '')}"
    plain = unicodedata.normalize("NFKC", text)
    if plain != text and re.fullmatch(r"[-+]?\d+(?:\.\d+)?", plain):
        return f"写的 {shown} 用了全角数字；请改用半角数字，写成 {plain}"
    return None


def _rephrase(model: type[BaseModel], error: dict, loc: tuple, word: str | None = None) -> str:
    kind = error["type"]
    if kind in {"int_type", "float_type"} and ("int" in loc or "float" in loc):
        kind = "float_type"  # int-or-float: one message, "must be a number"
    loc = _clean(loc)
    name = _name(loc)
    value = error.get("input")
    if kind == "youfu_rule":
        return _labelled(model, loc) + error["msg"]
    if word is not None and isinstance(value, bool) and kind in {"string_type", "literal_error"}:
        meaning = "是（true）" if value else "否（false）"
        return f'{name} 写的 {word} 会被 YAML 当作{meaning}，不是文字；作为文字请加引号，写成 "{word}"'
    if kind in {"int_type", "float_type", "int_parsing", "float_parsing"} and isinstance(value, str):
        hint = _number_hint(value)
        if hint:
            return f"{name} {hint}"
    if kind == "missing":
        return f"{name} 必须填写：请补上这一项"
    if kind == "extra_forbidden" and loc and loc[-1] == "last_verified":
        return ("last_verified 已停用：从资料整理的日期写在 curated；只有真正向机构核实过，才在 checks 里写明日期、"
                "方式（method）、核实人（by）、向谁核实（contact）和结果（result）")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        key = str(loc[-1]) if loc else "?"
        hint = difflib.get_close_matches(key, allowed, n=1) if len(key) <= 100 else []
        key = show_key(key)
        suggestion = f"（是不是要写 {hint[0]}？）" if hint else ""
        where = f"{_name(loc[:-1])} 里" if loc[:-1] else "这里"
        return f"{where}不能有键 {key}{suggestion}；可以用的键：{', '.join(allowed)}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{name} 只能是 {_choices(expected)} 之一（现在写的是 {_show(value)}）"
    if kind == "string_pattern_mismatch":
        if name.endswith("file"):
            return f"{name} 必须是资料文件名，例如 001_89d13becceec202a.txt（现在写的是 {_show(value)}）"
        if name.endswith("phone"):
            return f"{name} 只能有数字和短横线（现在写的是 {_show(value)}）"
        return f"{name} 只能用小写字母 a-z、数字和单个短横线（现在写的是 {_show(value)}）"
    if kind in {"string_too_short"}:
        return f"{name} 不能是空的"
    if kind == "too_short":
        return f"{name} 至少要列 {error.get('ctx', {}).get('min_length', 1)} 项"
    if kind == "string_too_long":
        return f"{name} 最多 {error.get('ctx', {}).get('max_length')} 个字符，请缩短"
    if kind in {"value_error", "assertion_error"}:
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{name} {reason}" if loc else reason
    if kind in _COMPARE:
        key, words = _COMPARE[kind]
        limit = error.get("ctx", {}).get(key)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"{name} {words} {limit}（现在写的是 {_show(value)}）"
    if kind == "date_type" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{name} 必须是日期，写成 YYYY-MM-DD，不加引号（现在写的是 \"{value}\"）"
    if kind == "string_type" and name.endswith("phone") and isinstance(value, int):
        return f'{name} 只有数字时要加引号，请写成 "{value}"'
    if kind in _EXPECTED:
        return f"{name} {_EXPECTED[kind]}（现在是{_kind_of(value)}）"
    if kind.startswith("date"):
        return f"{name} 必须是日期，写成 YYYY-MM-DD（现在写的是 {_show(value)}）"
    return f"{name} 不符合要求（{error['msg']}），请对照编辑指南修改"


def _show(value: Any) -> str:
    if isinstance(value, str):
        # One line whatever the value holds: line breaks and controls are shown as escapes.
        value = value[:60]
        text = '"' + "".join(c if c.isprintable() or c == "\u3000" else f"\\u{ord(c):04x}" for c in value) + '"'
    else:
        text = _REPR.repr(value)  # bounded, however large the list or mapping
    return text if len(text) <= 40 else text[:37] + "…"


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 40, 40
