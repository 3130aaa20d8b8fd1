"""Command line: `youfu validate` checks all data and front matter without building.

Prints every problem as `path:line: message` and exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import calendar
import sys
from pathlib import Path

from datetime import date

from . import publish, scaffold
from .catalog import load_catalog
from .problems import DataError


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds mkdocs.yml."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return start


def validate(root: Path, publish: bool = False, since: str | None = None) -> int:
    """Every check the build makes of data/ and content/. With `publish`, also list the
    drafts: what the preview shows but the published site will not have. With `since`
    (a git version), published records and reports changed since then need a new
    change_note (changes.py)."""
    from . import changes
    from .catalog import draft_facilities, drafts

    catalog, problems = load_catalog(root)
    if since and not problems:
        try:
            problems = changes.check(catalog, since)
        except changes.RefError as error:
            print(error, file=sys.stderr)
            return 1
    if problems:
        print(DataError(problems).report(), file=sys.stderr)
        return 1
    held = drafts(catalog)
    if publish:
        for report in held:
            shown, loaded = catalog.reports.lines[report.src_uri]
            print(f"{shown}:{loaded.line_of(('draft',))}: 草稿，不会发布：{report.meta.title}")
        for facility in draft_facilities(catalog):
            print(f"{catalog.facilities.path}:{catalog.facilities.line(facility.id, 'draft')}: 草稿，不会发布：{facility.name}")
    held = held + draft_facilities(catalog)
    print(f"数据检查通过（data OK）：{len(catalog.bureaus)} 个卫生部门，{len(catalog.sources)} 份资料。")
    if held:
        listed = "" if publish else "；youfu validate --publish 列出它们"
        print(f"{len(held)} 份草稿（draft: true）只在预览里显示，不会发布{listed}。")
    return 0


SCHEMA_DIR = "data/schemas"


def write_schemas(root: Path, check: bool) -> int:
    """Write data/schemas/*.schema.json from the models (or, with check, compare)."""
    from .opendata import DATASETS, schema

    stale = []
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for dataset in DATASETS:
        path = folder / f"{dataset.name}.schema.json"
        text = schema(dataset)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path.relative_to(root).as_posix())
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        print("\n".join(f"{p}:1: 编辑器用的 JSON Schema 必须和数据模型一致；请运行 youfu schemas 重新生成" for p in stale),
              file=sys.stderr)
        return 1
    print(f"{len(DATASETS)} 个 JSON Schema {'已是最新' if not stale else '已更新'}（{SCHEMA_DIR}/）")
    return 0


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` calendar months earlier (the month's last day when it is
    shorter): 12 months before 2024-12-01 is 2023-12-01, before 2024-02-29 is 2023-02-28."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def stale(root: Path, today: date, months: int) -> int:
    """List facilities, benefit packages, blood rules and laws not looked at for `months` months:
    never checked with the facility or office and curated before then, or last checked before then."""
    catalog, problems = load_catalog(root)
    if problems:
        print(DataError(problems).report(), file=sys.stderr)
        return 1
    limit = months_before(today, months)
    rows = []
    for dataset in (catalog.facilities, catalog.packages, catalog.blood_rules, catalog.legal):
        for record in dataset:
            checked = max((c.on for c in record.checks), default=None)
            last = checked or record.curated
            if last < limit:
                what = (f"最后一次向机构核实是 {checked}" if checked
                        else f"{record.curated} 从资料整理，从未向机构核实")
                rows.append((last, dataset.path, dataset.line(record.id), record.id, what))
    for _, path, line, record_id, what in sorted(rows):
        print(f"{path}:{line}: {record_id}：{what}，已超过 {months} 个月；请向机构核实后在 checks 里记一笔")
    print(f"{len(rows)} 条记录超过 {months} 个月未核实（{len(rows)} stale record(s)）")
    return 0


def new(args) -> int:
    root = (args.root or find_root(Path.cwd())).resolve()
    cite = scaffold.Citation(file=args.source, part=args.part, where=args.where)
    try:
        if args.kind == "report":
            path = scaffold.report(root, bureau=args.bureau, year=args.year, kind=args.report_kind,
                                   title=args.title, cite=cite)
        elif args.kind == "bureau":
            path = scaffold.bureau(root, bureau_id=args.id, name=args.title, level=args.level,
                                   province=args.province, city=args.city, county=args.county, cite=cite)
        elif args.kind == "facility":
            path = scaffold.facility(root, facility_id=args.id, name=args.title, kind=args.facility_kind,
                                     bureau=args.bureau, cite=cite)
        else:
            path = scaffold.package(root, package_id=args.id, title=args.title, bureau=args.bureau,
                                    group=args.group, cite=cite)
    except scaffold.ScaffoldError as err:
        for line in str(err).splitlines():
            print(f"youfu new: {line}", file=sys.stderr)
        print("youfu new: 没有写入任何文件；请改正上面的参数后再运行", file=sys.stderr)
        return 1
    written = path.relative_to(root).as_posix()
    if args.kind == "report":
        print(f"已写入 {written}：请把每个（用自己的话写：…）改写成自己的话，然后运行 youfu validate")
    else:
        print(f"已写入 {written}：请按注释填写，然后运行 youfu validate")
    return 0


def generate_command(root: Path, out: Path, preview: bool = False) -> int:
    from . import generate

    try:
        result = generate.generate(root, out, preview=preview)
    except generate.GenerateError as error:
        _report_error(error)
        return 1
    _print_warnings(result)
    print(f"{generate.describe(result)}：{out}")
    return 0


def index_command(site: Path) -> int:
    from . import indexer

    if not site.is_dir():
        print(f"{site} 不是文件夹：请给出已生成的网站文件夹", file=sys.stderr)
        return 1
    index = indexer.index(site)
    print(f"搜索索引已写入 {site}（{index.count} 个页面）")
    return 0


def diff_command(old: Path, new: Path) -> int:
    from . import sitediff

    if not new.is_dir():
        print(f"{new} 不是文件夹：请给出改动后生成的网站文件夹", file=sys.stderr)
        return 1
    if not old.is_dir():
        print(f"{old} 不是文件夹：改动前的网站没有生成，所有页面都算作新增", file=sys.stderr)
    print(sitediff.markdown(sitediff.diff(old, new)), end="")
    return 0


def check_command(site: Path) -> int:
    from .linkcheck import broken_links

    broken, checked = broken_links(site)
    for b in broken:
        print(f"{b.page}: {b.link}: {b.reason}", file=sys.stderr)
    print(f"检查了 {checked} 个链接，{len(broken)} 个失效")
    return 1 if broken else 0


def build_command(root: Path, site_dir: Path, engine: str | None, site_url: str | None, in_place: bool = False,
                  jobs: int | None = 1, shard: str | None = None, shard_pages: int | None = None) -> int:
    import signal

    from . import generate, pipeline

    def stop(signum, frame):  # SIGTERM and SIGHUP clean up like Ctrl-C: the site folder stays as it was
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        if shard:
            result = pipeline.build_one_shard(root, site_dir, shard, engine_name=engine, site_url=site_url)
        else:
            result = pipeline.build(root, site_dir, engine_name=engine, site_url=site_url, in_place=in_place,
                                    jobs=jobs, shard_pages=shard_pages)
    except generate.GenerateError as error:
        _report_error(error)
        print(f"未生成网站，{site_dir} 保持原样", file=sys.stderr)
        return 1
    except pipeline.BuildError as error:
        print(error, file=sys.stderr)
        print(f"未生成网站，{site_dir} 保持原样", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"已中断，{site_dir} 保持原样", file=sys.stderr)
        return 130
    _print_warnings(result)
    if shard:
        print(f"分片 {shard} 已生成到 {site_dir}（{generate.describe(result)}）；全部分片生成后运行 youfu merge")
        return 0
    print(f"网站已生成到 {site_dir}（{generate.describe(result)}）")
    return 0


def merge_command(root: Path, folders: list[Path], site_dir: Path, site_url: str | None) -> int:
    from . import pipeline

    try:
        count = pipeline.merge_shards(root, folders, site_dir, site_url=site_url)
    except pipeline.BuildError as error:
        print(error, file=sys.stderr)
        print(f"未合并，{site_dir} 保持原样", file=sys.stderr)
        return 1
    print(f"已把 {len(folders)} 个分片合并到 {site_dir}（{count} 个页面建了搜索索引）")
    return 0


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"要写一个正整数，例如 4（现在写的是 {text!r}）")
    return int(text)


def _print_warnings(result) -> None:
    """What the build should say but not fail on (even under --strict)."""
    for warning in result.warnings:
        print(f"WARNING -  {warning}", file=sys.stderr)


def serve_command(root: Path, engine: str | None, dev_addr: str, dirty: bool) -> int:
    from . import generate, pipeline

    try:
        return pipeline.serve(root, engine_name=engine, dev_addr=dev_addr, dirty=dirty)
    except generate.GenerateError as error:
        _report_error(error)
        return 1
    except pipeline.BuildError as error:
        print(error, file=sys.stderr)
        return 1


def _report_error(error) -> None:
    problems = getattr(error, "problems", [])
    if problems:
        print(DataError(problems).report(), file=sys.stderr)
    else:
        print(error, file=sys.stderr)


def publish_command(root: Path, args) -> int:
    """`youfu publish TARGET` and `youfu publish --rollback TARGET`: one line per outcome."""
    command = f"youfu publish --rollback {args.target}"
    try:
        if args.rollback:
            if args.force or args.site_url:
                print("youfu publish: --rollback 不生成网站，不能和 --force、--site-url 一起用"
                      "（--rollback takes only the target）", file=sys.stderr)
                return 2
            done = publish.rollback(root, args.target)
            print(f"已退回到第 {done.release} 版：{done.target}（再运行一次 {command} 可回到第 {done.previous} 版）")
            return 0
        done = publish.publish(root, args.target, site_url=args.site_url, force=args.force)
    except publish.Interrupted as stop:
        print(f"youfu publish: {stop.message()}", file=sys.stderr)
        return stop.exit_code
    except KeyboardInterrupt:  # Ctrl-C before publish took over the signals: nothing was started yet
        print(f"youfu publish: {publish.Interrupted(2).message()}", file=sys.stderr)
        return 130
    except publish.BuildFailed as err:
        print(err, file=sys.stderr)
        print("生成失败，现有网站未改动（build failed; the published site was left as it was）", file=sys.stderr)
        return 1
    except publish.PublishError as err:
        print(f"youfu publish: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"youfu publish: 发布失败：{err.filename or args.target}：{err.strerror}；现有网站未改动，请检查权限和磁盘空间"
              f"（{err.strerror}; the published site was left as it was）", file=sys.stderr)
        return 1
    if done.moved_aside:
        print(f"原来的文件夹已移到 {done.moved_aside}（未删除；确认不需要后可自己删除）")
    kept = f"；上一版（第 {done.previous} 版）保留，可用 {command} 退回" if done.previous else ""
    print(f"已发布到 {done.target}（第 {done.release} 版{kept}）")
    return 0


class ChineseParser(argparse.ArgumentParser):
    """argparse with its mistakes told in Chinese (what was wrong and what to type instead)."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(2, f"{self.prog}: {_chinese(message)}\n（查看全部参数：{self.prog} --help）\n")


_EXAMPLES = {"--title": "--title 某市卫生局2016年双拥工作总结", "--source": "--source 001_89d13becceec202a.txt",
             "--part": "--part 篇1", "kind": "youfu new report", "target": "youfu publish /var/www/youfu"}


def _chinese(message: str) -> str:
    import re

    if match := re.match(r"the following arguments are required: (.*)", message):
        missing = [name.strip() for name in match.group(1).split(",")]
        examples = "、".join(_EXAMPLES.get(name, name) for name in missing)
        return f"缺少参数 {'、'.join(missing)}；请补上，如 {examples}"
    if match := re.match(r"argument (\S+): invalid choice: '?([^'\s]*)'? \(choose from (.*)\)", message):
        choices = "、".join(c.strip(" '") for c in match.group(3).split(","))
        return f"{match.group(1)} 不能是“{match.group(2)}”；请写其中一个：{choices}"
    if match := re.match(r"argument (\S+): invalid (\S+) value: '(.*)'", message):
        return f"{match.group(1)} 的值“{match.group(3)}”写得不对；请写一个{'整数' if match.group(2) == 'int' else '正确的值'}"
    if match := re.match(r"argument (\S+): expected one argument", message):
        return f"{match.group(1)} 后面要写一个值"
    if match := re.match(r"unrecognized arguments: (.*)", message):
        return f"不认识的参数：{match.group(1)}；请检查拼写"
    return f"参数有误（{message}）"


def main(argv: list[str] | None = None) -> int:
    parser = ChineseParser(prog="youfu", description="优抚医疗信息站点的数据工具")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="检查 data/ 和 content/ 中的全部数据，不生成网站")
    check.add_argument("--root", type=Path, default=None, help="项目根目录（默认：向上查找 mkdocs.yml）")
    check.add_argument("--publish", action="store_true", help="发布前的检查：另外列出不会发布的草稿（draft: true）")
    check.add_argument("--since", default=None, metavar="GIT版本",
                       help="与这个 git 版本相比，已发布的记录和报告改了内容就必须写新的 change_note（更新说明），如 --since origin/main")
    schemas = sub.add_parser("schemas", help="由数据模型生成 data/schemas/ 中的 JSON Schema（编辑器用）")
    schemas.add_argument("--check", action="store_true", help="只检查是否为最新，不写文件")
    schemas.add_argument("--root", type=Path, default=None)
    make = sub.add_parser("new", help="新建一篇报告、一个部门、一家机构或一套优待（不会覆盖已有内容）")
    make.add_argument("kind", choices=["report", "bureau", "facility", "package"])
    make.add_argument("--root", type=Path, default=None)
    make.add_argument("--title", required=True, help="标题或名称")
    make.add_argument("--source", required=True, help="资料文件名，如 001_89d13becceec202a.txt")
    make.add_argument("--part", required=True, help="篇目，如 篇5")
    make.add_argument("--where", default="全篇", help="在该篇中的位置（自己的话）")
    make.add_argument("--bureau", help="卫生部门 id（report、facility、package）")
    make.add_argument("--id", help="新记录的 id（bureau、facility、package）")
    make.add_argument("--year", default=None, help="年份，如 2016 或 2016年（report；原文没写就不写）")
    make.add_argument("--report-kind", default="总结",
                      help="文种（report）：中文或文件名里的拼音，如 总结 或 zongjie")
    make.add_argument("--facility-kind", default="综合医院", help="机构类别（facility）")
    make.add_argument("--group", default="key-entitled", help="适用群体 id（package）")
    make.add_argument("--level", default="city", help="层级（bureau）")
    make.add_argument("--province", default=None)
    make.add_argument("--city", default=None)
    make.add_argument("--county", default=None)
    old = sub.add_parser("stale", help="列出超过 12 个月没有整理或核实的机构、优待、用血规定和法规")
    old.add_argument("--root", type=Path, default=None)
    old.add_argument("--today", type=date.fromisoformat, default=None, help="按哪一天计算（默认今天）")
    old.add_argument("--months", type=int, default=12)
    pub = sub.add_parser(
        "publish", help="生成网站，成功后一步切换到目标目录（失败、中断都不影响现有网站）；--rollback 退回上一版",
        description="目标目录由 youfu 建成指向 .名称.youfu/releases/ 里某一版的符号链接，切换只是一次改名。")
    pub.add_argument("target", type=Path, help="网站目录，如 /var/www/youfu")
    pub.add_argument("--root", type=Path, default=None)
    pub.add_argument("--site-url", default=None, help="公开地址，如 https://example.org/youfu/")
    pub.add_argument("--force", action="store_true",
                     help="目标是已有的、不是 youfu 发布的文件夹时：把它整个移到 .名称.youfu/aside/ 保存（不删除），再发布")
    pub.add_argument("--rollback", action="store_true", help="不生成，直接切换回上一版（再运行一次就回到新版）")
    gen = sub.add_parser("generate", help="生成网站的完整源文件树（Markdown 与数据文件），供任何引擎生成网站；不需要安装引擎")
    gen.add_argument("out", type=Path, help="输出文件夹，如 .youfu/docs（只覆盖 youfu 生成过的文件夹）")
    gen.add_argument("--root", type=Path, default=None)
    gen.add_argument("--preview", action="store_true", help="连草稿一起生成（预览用；草稿页上有“草稿”标记）")
    idx = sub.add_parser("index", help="为已生成的网站文件夹建立搜索索引（读取 HTML，写入 search/idx/）")
    idx.add_argument("site", type=Path, help="网站文件夹，如 site")
    chk = sub.add_parser("check", help="检查已生成的网站里的每个内部链接和锚点")
    chk.add_argument("site", type=Path, help="网站文件夹，如 site")
    dif = sub.add_parser("diff", help="比较两次生成的网站：列出新增、改动、删除的页面（合并请求的改动预览）")
    dif.add_argument("old", type=Path, help="改动前生成的网站文件夹")
    dif.add_argument("new", type=Path, help="改动后生成的网站文件夹")
    bld = sub.add_parser("build", help="生成网站：检查数据 → 生成源文件 → 引擎生成页面 → 建索引、查链接 → 替换 site/（失败时 site/ 不变）")
    bld.add_argument("--root", type=Path, default=None)
    bld.add_argument("--site-dir", type=Path, default=None, help="输出文件夹（默认 site）")
    bld.add_argument("--engine", choices=["mkdocs", "properdocs", "zensical"], default=None,
                     help="网站引擎（默认：已安装的第一个；也可用环境变量 YOUFU_ENGINE）")
    bld.add_argument("--site-url", default=None, help="公开地址，如 https://example.org/youfu/")
    bld.add_argument("--jobs", type=_jobs, default=None,
                     help="同时运行几个引擎进程（默认：每个 CPU 核一个，但每个至少 250 个页面；1 = 单进程）")
    bld.add_argument("--shard-pages", type=_jobs, default=None, metavar="N",
                     help="每个引擎进程最多生成 N 个页面（分片多于进程时轮流生成，内存更少；例如 5000）")
    bld.add_argument("--shard", default=None, metavar="i/K",
                     help="只生成第 i 个分片（共 K 个，从 0 数起），供 CI 分机生成；之后用 youfu merge 合并")
    bld.add_argument("--in-place", action="store_true", help=argparse.SUPPRESS)  # youfu publish: an empty release folder
    mrg = sub.add_parser("merge", help="合并 youfu build --shard 生成的分片文件夹，建搜索索引、查链接，再替换 site/")
    mrg.add_argument("shards", type=Path, nargs="+", help="分片文件夹（youfu build --shard i/K --site-dir 的输出）")
    mrg.add_argument("--root", type=Path, default=None)
    mrg.add_argument("--site-dir", type=Path, default=None, help="输出文件夹（默认 site）")
    mrg.add_argument("--site-url", default=None, help="公开地址，如 https://example.org/youfu/")
    srv = sub.add_parser("serve", help="本地预览：改动数据、报告或模板后自动更新")
    srv.add_argument("--root", type=Path, default=None)
    srv.add_argument("--engine", choices=["mkdocs", "properdocs", "zensical"], default=None)
    srv.add_argument("--dev-addr", default="127.0.0.1:8000", help="地址和端口（默认 127.0.0.1:8000）")
    srv.add_argument("--full", action="store_true", help="每次都完整重建（默认只重建改动的页面）")
    args = parser.parse_args(argv)
    root = (getattr(args, "root", None) or find_root(Path.cwd())).resolve()
    if args.command == "validate":
        return validate(root, args.publish, args.since)
    if args.command == "generate":
        return generate_command(root, args.out.resolve(), args.preview)
    if args.command == "index":
        return index_command(args.site.resolve())
    if args.command == "diff":
        return diff_command(args.old.resolve(), args.new.resolve())
    if args.command == "check":
        return check_command(args.site.resolve())
    if args.command == "build":
        return build_command(root, (args.site_dir or root / "site").resolve(), args.engine, args.site_url,
                             args.in_place, args.jobs, args.shard, args.shard_pages)
    if args.command == "merge":
        return merge_command(root, [f.resolve() for f in args.shards], (args.site_dir or root / "site").resolve(),
                             args.site_url)
    if args.command == "serve":
        return serve_command(root, args.engine, args.dev_addr, not args.full)
    if args.command == "schemas":
        return write_schemas(root, args.check)
    if args.command == "new":
        return new(args)
    if args.command == "stale":
        return stale(root, args.today or date.today(), args.months)
    if args.command == "publish":
        return publish_command(root, args)
    return 2  # pragma: no cover - argparse rejects unknown commands
