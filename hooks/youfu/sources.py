"""Source documents: the public web copies every record and summary cites.

Reads `data/sources.yml`, which names each file of `../shared/sources/` and its
pieces, so that a citation can be checked without the files being present.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from .records import SOURCE_FILE, Record, Text

FILE = "data/sources.yml"


class SourceDoc(Record):
    id: Annotated[str, StringConstraints(pattern=r"^\d{3}$")] = Field(description="三位编号，如 001")
    file: Annotated[str, StringConstraints(pattern=SOURCE_FILE)] = Field(description="文件名")
    title: Text = Field(description="资料的简要说明（自己的话）")
    parts: Annotated[list[Text], Field(min_length=1, description="篇目，如 篇1、篇一、全文")]
    language: Text = Field(description="原文文字，如 简体、繁体（乱码）")
    note: Text | None = None
