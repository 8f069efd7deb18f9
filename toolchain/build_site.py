"""One real build: plan, render what the cache lacks, write a build folder, index, check, swap."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click

from . import linkcheck, searchindex
from .config import Config
from .corpus import load_corpus
from .errors import PublishError
from .model import Draft
from .pages import Page
from .parse import parse_draft
from .pdf import PdfJob, render_many
from .publish import Echo, Options, Result, remove, set_times, write_tree
from .render import Fragments, assets, fragment_key, template_digest, use_bytecode_cache, use_fragments
from .renderpool import render_pages
from .sitebuild import exports, overrides_for, plan
from .sitecache import Cache, code_digest, sha
from .swap import build_dir, swap_in
from .urls import safe_path
from .views import DraftPage, RedlinePage, Site

INDEXED = "concept/"  # pages under here carry data-pagefind-body; the search index depends on them only


def build(paths: Sequence[str], options: Options, cache: Cache, result: Result, echo: Echo) -> None:
    lap = result.lap
    # Parsed here, not in forked children: most drafts come from the cache, whose entries a build
    # keeps only when this process uses them.
    corpus = load_corpus(paths or ("drafts",), parse=_cached_parser(cache))
    if corpus.errors:
        shown = "\n".join(str(d) for d in corpus.errors[:20])
        raise PublishError(
            f"{shown}\npublish: error: {len(corpus.errors)} errors in the drafts; {options.out}/ left as it was"
        )
    result.warnings = [str(d) for d in corpus.diagnostics]
    lap("parse")
    folder = Path(corpus.drafts[0].path).parent if corpus.drafts else Path("drafts")
    memo = _load_memo(cache)
    processes = options.jobs or os.cpu_count() or 1
    site_plan = plan(corpus, overrides_for(folder), exports, memo, with_pdfs=options.pdf, processes=processes)
    lap("compare+views")
    use_bytecode_cache(options.cache / "templates")
    keys = _render(site_plan.pages, site_plan.site, cache, options, result)
    files = {**site_plan.files, **assets()}
    result.pages = len(site_plan.pages)
    lap("render")
    keys.update(_render_pdfs(site_plan.pdfs, cache, options, result))
    if site_plan.pdfs:
        lap("pdf")
    built = build_dir(options.out)
    indexer: Callable[[], None] | None = None
    stop_indexer: Callable[[], None] = _nothing
    try:
        # The indexer reads the indexed pages only: it starts once they are in place and runs while the
        # rest is written and links are checked; the check of its own files waits for it.
        indexed = {path: key for path, key in keys.items() if path.startswith(INDEXED)}
        _link_pages(built, indexed, cache)
        if options.search:
            indexer, stop_indexer = _search_index(built, keys, cache)
        _write(built, {path: key for path, key in keys.items() if path not in indexed}, files, cache)
        lap("write")
        if options.check:
            _check(keys, built, cache, indexer)
        elif indexer is not None:
            indexer()
        lap("index+check")
        set_times(built)
        result.files = len(keys) + len(files) + sum(1 for p in (built / "pagefind").rglob("*") if p.is_file())
        swap_in(built, options.out)
    except BaseException:
        stop_indexer()
        remove(built)  # interrupted or failed: the previous site stays as it was
        raise
    cache.prune(("pages", "scans", "pagefind", "drafts", "fragments"))
    _save_memo(cache, memo)
    lap("swap")


def _cached_parser(cache: Cache) -> Callable[[Path, Config], Draft]:
    """parse_draft, but a draft whose bytes, configuration and parser are unchanged comes from the cache.

    The cache files are the cache's own pickles (unpickling one takes ~4 ms; parsing ~60 ms).
    Unreadable bytes still go through parse_draft, so errors are reported as usual.
    """

    def parse(path: Path, config: Config) -> Draft:
        try:
            data = path.read_bytes()
        except OSError:
            return parse_draft(path, config)
        key = sha("draft", code_digest(), repr(config), str(path), data)
        stored = cache.get("drafts", key)
        if stored is not None:
            try:
                draft = pickle.loads(stored)
            except Exception:  # a damaged cache file: parse again
                draft = None
            if isinstance(draft, Draft):
                return draft
        draft = parse_draft(path, config)
        cache.put("drafts", key, pickle.dumps(draft, protocol=pickle.HIGHEST_PROTOCOL))
        return draft

    return parse


def _memo_key() -> str:
    return sha("compare-memo", code_digest())


class _TrackedMemo(dict[str, Any]):
    """A memo that remembers which entries this build read or wrote, so only those are kept."""

    def __init__(self, stored: dict[str, Any]) -> None:
        super().__init__(stored)
        self.used: set[str] = set()

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.used.add(key)
        return super().__contains__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.used.add(key)
        super().__setitem__(key, value)

    def kept(self) -> dict[str, Any]:
        return {key: self[key] for key in sorted(self.used) if dict.__contains__(self, key)}


def _load_memo(cache: Cache) -> _TrackedMemo:
    """Block diffs of earlier builds by content, so an edit re-diffs only the sections it touched.

    The key covers the code, so a change to the diff or the classes starts afresh. The file is the
    cache's own, written by `_save_memo`; anything unreadable is ignored and rebuilt.
    """
    data = cache.get("memo", _memo_key())
    try:
        loaded = pickle.loads(data) if data is not None else {}
    except Exception:  # a damaged or foreign cache file: start afresh
        loaded = {}
    return _TrackedMemo(loaded if isinstance(loaded, dict) else {})


def _save_memo(cache: Cache, memo: _TrackedMemo) -> None:
    cache.put("memo", _memo_key(), pickle.dumps(memo.kept(), protocol=pickle.HIGHEST_PROTOCOL))
    cache.prune(("memo",))


def _render(pages: list[Page], site: Site, cache: Cache, options: Options, result: Result) -> dict[str, str]:
    """{page path: content key}; pages whose key is not in the cache are rendered and stored.

    A key covers everything that decides a page's bytes, so equal keys mean equal bytes.
    """
    base = sha(code_digest(), template_digest(), repr(site))
    keys = {page.path: sha(base, page.path, page.template, page.title, repr(page.view)) for page in pages}
    todo = [page for page in pages if not cache.has("pages", keys[page.path])]
    result.rendered = len(todo)
    jobs = options.jobs or os.cpu_count() or 1
    # The whole-draft pages are rendered section by section from kept fragments (see render.Fragments);
    # forked renderers read and add them, so the ones to keep are named here, from the views: those of
    # every such page, rendered now or not, so that the next edit of it finds them.
    known = {
        (page.path, id(section)): fragment_key(base, page.path, section)
        for page in pages
        for section in (page.view.sections if isinstance(page.view, DraftPage | RedlinePage) else ())
    }
    for key in known.values():
        cache.keep("fragments", key)
    get, put = (lambda key: cache.get("fragments", key)), (lambda k, d: cache.put("fragments", k, d))
    use_fragments(Fragments(get, put, base, known))
    try:
        rendered = render_pages(todo, site, jobs, _bar if options.progress else None)
    finally:
        use_fragments(None)
    for page, data in zip(todo, rendered, strict=True):
        cache.put("pages", keys[page.path], data)
    return keys


def _render_pdfs(jobs: Sequence[PdfJob], cache: Cache, options: Options, result: Result) -> dict[str, str]:
    """{pdf path: cache key}; PDFs whose digest is not cached are rendered (biggest first) and stored.

    They are cached with the pages (kind "pages") so the writer links them the same way.
    """
    keys = {job.path: sha("pdf", job.digest) for job in jobs}
    todo = [job for job in jobs if not cache.has("pages", keys[job.path])]
    result.pdfs, result.pdfs_rendered = len(jobs), len(todo)
    processes = options.jobs or os.cpu_count() or 1
    for job, data in render_many(todo, processes):
        cache.put("pages", keys[job.path], data)
    return keys


def _write(built: Path, keys: dict[str, str], files: dict[str, bytes], cache: Cache) -> None:
    """Pages are hard links to their cached bytes (creating a file costs ~30 links here); the rest is written."""
    write_tree(built, files)
    _link_pages(built, keys, cache)


def _link_pages(built: Path, keys: dict[str, str], cache: Cache) -> None:
    made: set[Path] = set()
    for path, key in sorted(keys.items()):
        target = built / safe_path(path)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        source = cache.path("pages", key)
        try:
            os.link(source, target)
        except OSError:  # another file system, or no hard links: copy the bytes
            target.write_bytes(source.read_bytes())


def _bar(total: int) -> Any:
    return click.progressbar(length=total, label="rendering", file=sys.stderr, show_pos=True)


def _nothing() -> None:
    pass


def _search_index(
    built: Path, keys: dict[str, str], cache: Cache
) -> tuple[Callable[[], None], Callable[[], None]]:
    """Start pagefind over the indexed pages (or link its cached output); returns functions that wait
    for it and that stop it (a build that fails before waiting).

    The output is cached by the keys of the indexed pages, so most rebuilds do not run pagefind.
    """
    indexed = sorted((p, k) for p, k in keys.items() if p.startswith(INDEXED))
    key = sha(_pagefind_version(), *(part for p, k in indexed for part in (p, k)))
    stored = cache.folder_for("pagefind", key)
    if (stored / "pagefind-ui.js").is_file():
        _link_tree(stored, built / "pagefind")
        return _nothing, _nothing
    process = searchindex.start(built, f"{INDEXED}**/*.html")

    def stop() -> None:
        if process.poll() is None:
            process.kill()
        process.communicate()

    def wait() -> None:
        searchindex.finish(process, built)
        tmp = stored.with_name(f"{key}.{os.getpid()}.tmp")
        remove(tmp)
        _link_tree(built / "pagefind", tmp)
        remove(stored)
        os.replace(tmp, stored)

    return wait, stop


def _link_tree(source: Path, target: Path) -> None:
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except (OSError, shutil.Error):
        remove(target)
        shutil.copytree(source, target)


def _pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def _check(keys: dict[str, str], built: Path, cache: Cache, indexer: Callable[[], None] | None) -> None:
    scans = {}
    for path, key in keys.items():
        if not path.endswith(".html"):
            continue  # PDFs: links into them are checked, links out of them are the PDF builder's
        stored = cache.get("scans", key)  # a page key fixes its bytes, hence its scan
        if stored is not None:
            scans[path] = _load_scan(stored)
        else:
            scans[path] = linkcheck.scan(cache.path("pages", key).read_bytes())
            cache.put("scans", key, _dump_scan(scans[path]))
    if indexer is not None:
        indexer()
    all_files = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    problems = linkcheck.check(scans, all_files)
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:30])
        more = f"\n  … and {len(problems) - 30} more" if len(problems) > 30 else ""
        raise PublishError(
            f"{shown}{more}\npublish: error: {len(problems)} broken links or ids; the previous site was left as it was"
        )


def _dump_scan(scan: linkcheck.Scan) -> bytes:
    return "\x1e".join("\x1f".join(part) for part in (scan.ids, scan.links, scan.duplicates)).encode()


def _load_scan(data: bytes) -> linkcheck.Scan:
    ids, links, dups = (tuple(p for p in part.split("\x1f") if p) for part in data.decode().split("\x1e"))
    return linkcheck.Scan(ids, links, dups)
