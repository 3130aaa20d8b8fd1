"""Key figures in reports, and the check of every total against its parts.

A figure is recorded as the source states it:

- `approx` keeps the source's own hedge (近、约、余、多、以上): "近万元" is recorded as
  value 1, unit 万元, approx 近, and shown as "近1万元". An approximate number is only
  ever used as a bound ("近" = at most, "余/多/以上" = at least, "约" = no bound), never
  as an exact part or total in a sum.
- `parts_are` says whether the parts are the whole breakdown (`all`: they must add up
  to the value) or only the items the source lists under "其中" (`some`: they must not
  add up to more than the value).
- `ratio_of` says that a percentage is one figure of the report divided by another;
  the stated percentage is checked against the source's own two numbers.

When a check fails, that is an error unless the record explains the source's
discrepancy; explained discrepancies are shown on the page as a flagged note, never
corrected.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal, Mapping, Sequence, Union

from pydantic import AfterValidator, Field

from .records import Id, Record, Text, rule_error

LIMIT = 10**15  # a figure of a health bureau's report is far below a thousand trillion


def _sane(value: int | float) -> int | float:
    if isinstance(value, float) and not math.isfinite(value):
        raise rule_error("必须是一个具体的数字（不能是无穷大或 NaN）；请写出原文的数值，原文没有写明时写 null")
    if abs(value) >= LIMIT:
        raise rule_error(f"必须小于 1,000,000,000,000,000（一千万亿）（现在写的是 {value:.6g}）；"
                         "请核对数值，大数请换用大的单位（万元、亿元、万人）")
    return value


Number = Annotated[Union[int, float], AfterValidator(_sane)]
"""A figure as the source states it: finite, and less than 10**15 either way."""

Unit = Literal[
    "元", "万元", "亿元", "人", "万人", "人次", "万人次", "个", "家", "所", "次", "项", "张", "台", "件",
    "名", "户", "批", "场", "天", "支", "辆", "套", "床", "篇", "期", "份", "名次", "平方米", "公里", "%", "万册",
]

Approx = Literal["近", "约", "余", "多", "以上"]
APPROX_HELP = ("约数：原文的数字带“近、约、余、多、以上”时照写这个字（如“近万元”写 近，“189余项”写 余，"
               "“70%以上”写 以上）；原文是确数时不写")

PartsAre = Literal["all", "some"]

# Units that convert into each other: unit → (family, factor to the family's base unit)
_SCALE: dict[str, tuple[str, int]] = {
    "元": ("money", 1), "万元": ("money", 10_000), "亿元": ("money", 100_000_000),
    "人": ("people", 1), "万人": ("people", 10_000),
    "人次": ("visits", 1), "万人次": ("visits", 10_000),
}

_INF = Decimal("Infinity")


class FigurePart(Record):
    what: Text = Field(description="分项名称")
    value: Number | None = Field(description="数值（按原文）；原文隐去或无法辨认时写 null")
    unit: Unit = Field(description="单位")
    approx: Approx | None = Field(default=None, description=APPROX_HELP)

    @property
    def amount(self) -> str:
        return "原文不详" if self.value is None else format_amount(self.value, self.unit, self.approx)


class RatioOf(Record):
    numerator: Id = Field(description="分子：本报告中另一个数字的 id")
    denominator: Id = Field(description="分母：本报告中另一个数字的 id")


class Figure(Record):
    id: Id = Field(description="在本报告中唯一；不同年份的同一指标用相同 id，便于画图比较")
    what: Text = Field(description="指标名称（自己的话）")
    value: Number = Field(description="数值（按原文）")
    unit: Unit = Field(description="单位")
    approx: Approx | None = Field(default=None, description=APPROX_HELP)
    period: Text | None = Field(default=None, description="时期，如 2014年")
    where: Text | None = Field(default=None, description="在原文中的位置")
    parts: Annotated[list[FigurePart], Field(default_factory=list, description="分项（原文列出时）")]
    parts_are: PartsAre = Field(default="all", description=(
        "分项是否齐全：all（默认）表示原文列出了全部分项，分项之和应等于总数；"
        "some 表示原文用“其中”只列出一部分分项，分项之和不应超过总数"))
    ratio_of: RatioOf | None = Field(default=None, description=(
        "百分比由本报告的另两个数字相除而得时，写出分子和分母的 id，本站据此核对原文所写的百分比"))
    discrepancy: Text | None = Field(default=None, description="原文数字自相矛盾时的说明（按原文记录，不改正）")

    @property
    def amount(self) -> str:
        return format_amount(self.value, self.unit, self.approx)


@dataclass(frozen=True, kw_only=True)
class FigureCheck:
    """The outcome of checking one figure.

    status: ok (the parts add up, or the percentage matches its two numbers) ·
    within ("其中" parts that do not exceed the total) · approx (consistent, but an
    approximate number makes an exact check impossible) · no-parts (nothing to check) ·
    incomplete (a part's number is missing) · mismatch and unit (the source contradicts
    itself; flagged) · invalid (the record itself is wrong, e.g. ratio_of names no figure).
    """

    status: Literal["ok", "within", "approx", "no-parts", "incomplete", "mismatch", "unit", "invalid"]
    total: Decimal | None = None  # the figure's stated value
    parts_total: Decimal | None = None  # in the figure's own unit, from the stated numbers
    parts_approx: bool = False  # some part is an approximate number
    computed: Decimal | None = None  # ratio_of: the percentage from the source's two numbers
    numerator: Figure | None = None
    denominator: Figure | None = None
    message: str = ""
    at: tuple = ()  # where inside the figure the fault is, e.g. ("parts", 2, "unit")

    @property
    def flagged(self) -> bool:
        return self.status in {"mismatch", "unit"}

    @property
    def gap(self) -> Decimal | None:
        """How much of the total the listed parts leave out (for "其中" parts)."""
        return None if self.parts_total is None or self.total is None else self.total - self.parts_total


def convertible(a: str, b: str) -> bool:
    return a == b or (a in _SCALE and b in _SCALE and _SCALE[a][0] == _SCALE[b][0])


def convert(value: Number, unit: str, to: str) -> Decimal:
    amount = Decimal(str(value))
    if unit == to:
        return amount
    return amount * _SCALE[unit][1] / _SCALE[to][1]


def bounds(value: Number, unit: str, approx: str | None, to: str) -> tuple[Decimal, Decimal]:
    """The range a stated number allows, in unit `to`: 近 X is at most X, X余/多/以上 at least X,
    约 X anything; an exact number is itself."""
    amount = convert(value, unit, to)
    if approx is None:
        return amount, amount
    if approx == "近":
        return -_INF, amount
    if approx == "约":
        return -_INF, _INF
    return amount, _INF


def check_all(figures: Sequence[Figure]) -> dict[str, FigureCheck]:
    """Every figure of one report checked, by id (a ratio needs the report's other figures)."""
    by_id = {figure.id: figure for figure in figures}
    return {figure.id: check(figure, by_id) for figure in figures}


def check(figure: Figure, others: Mapping[str, Figure] | None = None) -> FigureCheck:
    if figure.ratio_of is not None:
        return _check_ratio(figure, others or {})
    if not figure.parts:
        return FigureCheck(status="no-parts")
    for index, part in enumerate(figure.parts):
        if not convertible(part.unit, figure.unit):
            return FigureCheck(status="unit", at=("parts", index, "unit"), message=(
                f"数字 {figure.id}：分项 {part.what} 的单位 {part.unit} 必须能换算成总数的单位 {figure.unit}；"
                f"请核对单位"))
    if any(p.value is None for p in figure.parts):
        return FigureCheck(status="incomplete")
    total = sum((convert(p.value, p.unit, figure.unit) for p in figure.parts), Decimal(0))
    low = sum((bounds(p.value, p.unit, p.approx, figure.unit)[0] for p in figure.parts), Decimal(0))
    high = sum((bounds(p.value, p.unit, p.approx, figure.unit)[1] for p in figure.parts), Decimal(0))
    stated = Decimal(str(figure.value))
    stated_low, stated_high = bounds(figure.value, figure.unit, figure.approx, figure.unit)
    tolerance = _tolerance(figure)
    parts_approx = any(p.approx for p in figure.parts)
    exact = figure.approx is None and not parts_approx
    found = dict(total=stated, parts_total=total, parts_approx=parts_approx)
    if figure.parts_are == "some":
        if low - tolerance > stated_high:
            return FigureCheck(status="mismatch", **found, message=(
                f"数字 {figure.id}：“其中”列出的分项加起来不能超过总数"
                f"（分项合计 {_fmt(total)} {figure.unit}，总数是 {_fmt(stated)} {figure.unit}）；请对照资料核对"))
        if high - tolerance <= stated_low:
            return FigureCheck(status="within", **found)
        return FigureCheck(status="approx", **found)
    if low - tolerance > stated_high or high + tolerance < stated_low:
        return FigureCheck(status="mismatch", **found, message=(
            f"数字 {figure.id}：分项加起来必须等于总数（分项合计 {_fmt(total)} {figure.unit}，"
            f"总数是 {_fmt(stated)} {figure.unit}）；请对照资料核对，资料本身不一致就写 note 说明"))
    return FigureCheck(status="ok" if exact else "approx", **found)


def _check_ratio(figure: Figure, others: Mapping[str, Figure]) -> FigureCheck:
    ref = figure.ratio_of
    assert ref is not None
    if figure.unit != "%":
        return FigureCheck(status="invalid", at=("unit",), message=(
            f"数字 {figure.id}：ratio_of 只用于百分比，unit 必须是 %（现在是 {figure.unit}）"))
    if figure.parts:
        return FigureCheck(status="invalid", at=("parts",), message=(
            f"数字 {figure.id}：写了 ratio_of 的百分比不能再列 parts；请删去其一"))
    found: dict[str, Figure] = {}
    for role in ("numerator", "denominator"):
        other_id = getattr(ref, role)
        other = others.get(other_id)
        if other is None or other_id == figure.id:
            return FigureCheck(status="invalid", at=("ratio_of", role), message=(
                f"数字 {figure.id}：ratio_of.{role} 必须是这篇报告里另一个数字的 id"
                f"（{other_id} 不是）"))
        found[role] = other
    top, bottom = found["numerator"], found["denominator"]
    if not convertible(top.unit, bottom.unit):
        return FigureCheck(status="invalid", at=("ratio_of", "denominator"), message=(
            f"数字 {figure.id}：ratio_of 的分子（{top.unit}）和分母（{bottom.unit}）"
            f"的单位必须能互相换算"))
    if bottom.value <= 0 or top.value < 0:
        return FigureCheck(status="invalid", at=("ratio_of", "denominator"), message=(
            f"数字 {figure.id}：ratio_of 的分母必须大于 0，分子不能小于 0"))
    hundred = Decimal(100)
    computed = convert(top.value, top.unit, bottom.unit) / Decimal(str(bottom.value)) * hundred
    top_low, top_high = bounds(top.value, top.unit, top.approx, bottom.unit)
    bottom_low, bottom_high = bounds(bottom.value, bottom.unit, bottom.approx, bottom.unit)
    top_low, bottom_low = max(top_low, Decimal(0)), max(bottom_low, Decimal(0))
    low = top_low / bottom_high * hundred if bottom_high != _INF else Decimal(0)
    high = top_high / bottom_low * hundred if bottom_low > 0 else _INF
    stated = Decimal(str(figure.value))
    stated_low, stated_high = bounds(figure.value, figure.unit, figure.approx, figure.unit)
    # the source may round or cut off its percentage: one unit of the last place written
    tolerance = Decimal(10) ** -_decimals(figure.value)
    shown = computed.quantize(Decimal("0.01"))
    found_checked = dict(computed=shown, numerator=top, denominator=bottom)
    if low - tolerance > stated_high or high + tolerance < stated_low:
        return FigureCheck(status="mismatch", **found_checked, message=(
            f"数字 {figure.id}：百分比必须等于 {top.id} ÷ {bottom.id}（算出来是 {_fmt(shown)} %，"
            f"写的是 {_fmt(stated)} %）；请对照资料核对"))
    exact = figure.approx is None and top.approx is None and bottom.approx is None
    return FigureCheck(status="ok" if exact else "approx", **found_checked)


def _tolerance(figure: Figure) -> Decimal:
    """Whole numbers must add up exactly; decimals may be off by half a unit of the
    finest place written, once per part (rounding in the source)."""
    places = max(_decimals(v) for v in [figure.value, *(p.value for p in figure.parts)] if v is not None)
    if places == 0:
        return Decimal(0)
    return Decimal(len(figure.parts)) * Decimal("0.5") * Decimal(10) ** -places


def _decimals(value: Number) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _fmt(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def format_number(value: Number | Decimal) -> str:
    """Numbers for readers: no trailing .0, thousands separated."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return format(Decimal(str(value)).normalize(), ",f")


def format_amount(value: Number, unit: str, approx: str | None = None, sep: str = " ") -> str:
    """A number with its unit, and the source's hedge where Chinese puts it:
    近1万元, 约200万元, 189余项, 300余万人次, 5万多元, 75.6万余元, 70%以上.
    Exact numbers keep `sep` between number and unit ("12,113 件"), except before %."""
    number = format_number(value)
    if approx is None:
        return f"{number}{'' if unit == '%' else sep}{unit}"
    if approx in ("近", "约"):
        return f"{approx}{number}{unit}"
    if approx == "以上":
        return f"{number}{unit}以上"
    whole = Decimal(str(value)) == Decimal(str(value)).to_integral_value()
    if whole and value >= 10:
        return f"{number}{approx}{unit}"  # 189余项, 300余万人次, 200多万元
    if len(unit) > 1 and unit[0] in "万亿":
        return f"{number}{unit[0]}{approx}{unit[1:]}"  # 5万多元, 75.6万余元
    return f"{number}{unit}{approx}"
