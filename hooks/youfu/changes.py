"""Change notes for what is already published (`youfu validate --since REF`).

A record or report that readers could already see, and whose facts this change alters,
must tell readers what changed: its `change_note` (更新说明, shown on the page as
"最后更新 日期：说明") must be written, and must not be the note of the last change.

"Already published" and "changed" are read from git, against REF (the base branch of a
pull/merge request): a record (by id) or report (by file) that exists at REF and was not
a draft there was published; it changed when its data read as YAML, without
`change_note` and `checks` (a re-check with nothing new is not a change for readers),
differs from REF (comments, spacing and key order do not count), or, for a report, when
its text differs. New records, new reports and drafts need no note.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from .problems import Problem
from .yamlio import split_front_matter

IGNORED = ("change_note", "checks")  # not facts readers would be told about
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RefError(Exception):
    """REF is not a git version of this repository."""


def check(catalog, ref: str) -> list[Problem]:
    root = catalog.root
    _verify(root, ref)
    problems: list[Problem] = []
    for dataset in (catalog.bureaus, catalog.groups, catalog.legal, catalog.glossary, catalog.packages,
                    catalog.facilities, catalog.blood_rules):
        records = list(dataset)
        if not records or "change_note" not in type(records[0]).model_fields:
            continue
        old_text = _show(root, ref, dataset.path)
        if old_text is None:
            continue  # a new file: nothing in it was published
        before = _by_id(_load(old_text))
        now = _by_id(_load((root / dataset.path).read_text(encoding="utf-8")))
        for record_id, record in now.items():
            old = before.get(record_id)
            if old is None or old.get("draft") is True or record.get("draft") is True:
                continue
            if _facts(old) != _facts(record):
                message = _missing(record.get("change_note"), old.get("change_note"), ref)
                if message:
                    at = ("change_note",) if record.get("change_note") else ()
                    problems.append(dataset.problem(record_id, at, message))
    for report in catalog.reports:
        if report.meta.draft:
            continue
        relative = f"content/{report.src_uri}"
        old_text = _show(root, ref, relative)
        if old_text is None:
            continue
        old_front, old_body = _report(old_text)
        if old_front.get("draft") is True:
            continue  # it was a draft: this is its first publication
        front, body = _report((root / relative).read_text(encoding="utf-8"))
        if (_facts(old_front), old_body) != (_facts(front), body):
            message = _missing(front.get("change_note"), old_front.get("change_note"), ref)
            if message:
                shown, loaded = catalog.reports.lines[report.src_uri]
                at = ("change_note",) if front.get("change_note") else ("title",)
                problems.append(Problem(path=shown, line=loaded.line_of(at), message=message))
    return problems


def _missing(note, old_note, ref: str) -> str | None:
    if not note:
        return (f"这条内容已经发布，这次改动了它（与 {ref} 相比）：请加一行 change_note（更新说明），"
                "用一句中文告诉读者改了什么，如 change_note: 更正了医院的电话")
    if note == old_note:
        return ("change_note（更新说明）还是上一次改动的说明；这次又改了内容，请改写成这一次改了什么")
    return None


def _facts(record) -> dict:
    return {k: v for k, v in record.items() if k not in IGNORED} if isinstance(record, dict) else {}


def _by_id(value) -> dict[str, dict]:
    if not isinstance(value, list):
        return {}
    return {str(item["id"]): item for item in value if isinstance(item, dict) and "id" in item}


def _load(text: str):
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None


def _report(text: str) -> tuple[dict, str]:
    front, body, _ = split_front_matter(text)
    loaded = _load(front) if front is not None else None
    return (loaded if isinstance(loaded, dict) else {}), body.strip()


def _verify(root: Path, ref: str) -> None:
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                            capture_output=True, text=True)
    if result.returncode != 0 or ref.startswith("-"):
        raise RefError(f"--since {ref}：在这个 git 仓库里找不到这个版本；请写分支名或提交号，如 --since origin/main")


def _show(root: Path, ref: str, relative: str) -> str | None:
    result = subprocess.run(["git", "-C", str(root), "show", f"{ref}:{relative}"], capture_output=True)
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")
