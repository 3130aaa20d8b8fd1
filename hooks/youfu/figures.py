"""Key figures in reports, and the check of every total against its parts.

A figure is recorded as the source states it. When its parts do not add up to its
value (after converting units such as 元/万元), that is an error unless the record
explains the source's discrepancy; explained discrepancies are shown on the page
as a flagged note, never corrected.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal, Union

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

# Units that convert into each other: unit → (family, factor to the family's base unit)
_SCALE: dict[str, tuple[str, int]] = {
    "元": ("money", 1), "万元": ("money", 10_000), "亿元": ("money", 100_000_000),
    "人": ("people", 1), "万人": ("people", 10_000),
    "人次": ("visits", 1), "万人次": ("visits", 10_000),
}


class FigurePart(Record):
    what: Text = Field(description="分项名称")
    value: Number | None = Field(description="数值（按原文）；原文隐去或无法辨认时写 null")
    unit: Unit = Field(description="单位")


class Figure(Record):
    id: Id = Field(description="在本报告中唯一；不同年份的同一指标用相同 id，便于画图比较")
    what: Text = Field(description="指标名称（自己的话）")
    value: Number = Field(description="数值（按原文）")
    unit: Unit = Field(description="单位")
    period: Text | None = Field(default=None, description="时期，如 2014年")
    where: Text | None = Field(default=None, description="在原文中的位置")
    parts: Annotated[list[FigurePart], Field(default_factory=list, description="分项（原文列出时）")]
    discrepancy: Text | None = Field(default=None, description="原文数字自相矛盾时的说明（按原文记录，不改正）")


@dataclass(frozen=True, kw_only=True)
class FigureCheck:
    """The outcome of checking one figure's parts."""

    status: Literal["ok", "no-parts", "incomplete", "mismatch", "unit"]
    parts_total: Decimal | None = None  # in the figure's own unit
    message: str = ""
    part: int | None = None  # index of the part at fault, if one is

    @property
    def flagged(self) -> bool:
        return self.status in {"mismatch", "unit"}


def convertible(a: str, b: str) -> bool:
    return a == b or (a in _SCALE and b in _SCALE and _SCALE[a][0] == _SCALE[b][0])


def convert(value: Number, unit: str, to: str) -> Decimal:
    amount = Decimal(str(value))
    if unit == to:
        return amount
    return amount * _SCALE[unit][1] / _SCALE[to][1]


def check(figure: Figure) -> FigureCheck:
    if not figure.parts:
        return FigureCheck(status="no-parts")
    for index, part in enumerate(figure.parts):
        if not convertible(part.unit, figure.unit):
            return FigureCheck(status="unit", part=index, message=(
                f"figure {figure.id}: part {part.what} is in {part.unit}, which must convert to "
                f"the total's unit {figure.unit}"))
    if any(p.value is None for p in figure.parts):
        return FigureCheck(status="incomplete")
    total = sum((convert(p.value, p.unit, figure.unit) for p in figure.parts), Decimal(0))
    stated = Decimal(str(figure.value))
    if abs(total - stated) <= _tolerance(figure):
        return FigureCheck(status="ok", parts_total=total)
    return FigureCheck(status="mismatch", parts_total=total, message=(
        f"figure {figure.id}: parts must add up to the value (they add up to {_fmt(total)} {figure.unit}, "
        f"the value is {_fmt(stated)} {figure.unit})"))


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


def format_number(value: Number) -> str:
    """Numbers for readers: no trailing .0, thousands separated."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return format(Decimal(str(value)).normalize(), ",f")
