"""Thin click commands. Expected errors print one line and exit 1; bugs print a traceback, exit 2."""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .config import load_config
from .corpus import Corpus, draft_files, load_corpus
from .errors import SourceError, ToolchainError
from .parse import parse_draft
from .tree import dump

if TYPE_CHECKING:
    from .overrides import Overrides

F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Map expected errors to one line and exit 1, anything else to a traceback and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ToolchainError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception:  # a bug: say so, with everything needed to report it
            traceback.print_exc()
            click.echo(
                "toolchain: internal error (a bug); please report it with the traceback above", err=True
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def tune_gc() -> None:
    """Run the cyclic garbage collector less often, as mypy does. A comparison builds hundreds of
    thousands of small immutable objects, almost none in reference cycles; at the default threshold
    the collector ran about 90 times per 100k-word comparison and took 4 % of its time."""
    gc.set_threshold(200_000, 30, 30)


@click.group()
@click.version_option(__version__, prog_name="toolchain")
def main() -> None:
    """Compare and publish successive drafts of a policy document."""
    tune_gc()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@guarded
def check(paths: tuple[str, ...], strict: bool) -> None:
    """Report every problem in the drafts (files or folders), sorted by file and line."""
    corpus = load_corpus(paths)
    report(corpus)
    if corpus.errors or (strict and corpus.diagnostics):
        sys.exit(1)


def report(corpus: Corpus) -> None:
    for diagnostic in corpus.diagnostics:
        click.echo(str(diagnostic))
    errors = len(corpus.errors)
    warnings = len(corpus.diagnostics) - errors
    click.echo(f"{len(corpus.drafts)} drafts checked: {errors} errors, {warnings} warnings", err=True)


@main.command()
@click.argument("draft")
@guarded
def tree(draft: str) -> None:
    """Print the section tree of DRAFT: kind, number, title, key, anchor, lines, words."""
    files = draft_files([draft])
    config = load_config(files[0].parent)
    for path in files:
        parsed = parse_draft(path, config)
        click.echo(dump(parsed), nl=False)
        for diagnostic in parsed.diagnostics:
            click.echo(str(diagnostic), err=True)


@main.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format", "form", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.option(
    "--overrides",
    type=click.Path(dir_okay=False),
    help="Editor corrections (default: alignment.yaml beside NEW).",
)
@click.option("--context", is_flag=True, help="Text format: show unchanged blocks too.")
@click.option("--jobs", "-j", default=0, help="Processes for large comparisons (0: one per core).")
@guarded
def diff(old: str, new: str, form: str, overrides: str | None, context: bool, jobs: int) -> None:
    """Compare two drafts section by section: alignment, word diffs and what each change means."""
    from .align import align, read_drafts
    from .compare import compare
    from .export import comparison_json, comparison_markdown, comparison_text

    config = load_config(Path(new).parent)
    processes = jobs or os.cpu_count() or 1
    read = read_drafts([Path(old), Path(new)], config, processes)
    for found in read:
        if isinstance(found, SourceError):
            raise found
    (before, before_terms), (after, after_terms) = (f for f in read if not isinstance(f, SourceError))
    corrections = load_overrides_for(Path(new).parent, overrides)
    comparison = compare(align(before, after, corrections, (before_terms, after_terms)), jobs=processes)
    render = {"json": comparison_json, "markdown": comparison_markdown}.get(form)
    click.echo(render(comparison) if render else comparison_text(comparison, context), nl=False)
    for diagnostic in comparison.diagnostics:
        click.echo(str(diagnostic), err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "form", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--overrides",
    type=click.Path(dir_okay=False),
    help="Editor corrections (default: alignment.yaml beside the drafts).",
)
@guarded
def history(paths: tuple[str, ...], form: str, overrides: str | None) -> None:
    """Follow every section across the drafts (in date order): its concept id and each version."""
    from .align import history as build_history
    from .lineage_report import history_json, history_text

    corpus = load_corpus(paths)
    if corpus.errors:
        report(corpus)
        raise ToolchainError(f"history: error: {len(corpus.errors)} errors in the drafts; fix them first")
    found = build_history(corpus.drafts, load_overrides_for(draft_files(paths)[0].parent, overrides))
    click.echo(history_json(found) if form == "json" else history_text(found), nl=False)


def load_overrides_for(folder: Path, explicit: str | None) -> Overrides | None:
    from .overrides import load_overrides

    path = Path(explicit) if explicit else folder / "alignment.yaml"
    if explicit and not path.is_file():
        raise ToolchainError(f"{explicit}: error: no such file")
    return load_overrides(path) if path.is_file() else None


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--out", default="site", show_default=True, help="Folder the site is published to.")
@click.option("--cache", default=".cache", show_default=True, help="Folder of the content-hash cache.")
@click.option("--jobs", "-j", default=0, help="Worker processes for rendering (0: one per core).")
@click.option("--no-search", is_flag=True, help="Skip the search index (pagefind).")
@click.option("--no-pdf", is_flag=True, help="Skip the redline PDFs (WeasyPrint).")
@click.option("--timings", is_flag=True, help="Print the time each build stage took.")
@guarded
def publish(
    paths: tuple[str, ...], out: str, cache: str, jobs: int, no_search: bool, no_pdf: bool, timings: bool
) -> None:
    """Publish the drafts (default: drafts/) as a static comparison site in OUT.

    Builds beside OUT, checks every internal link, then swaps the new site in; a failed build
    leaves OUT as it was. A rebuild renders only pages whose content changed.
    """
    from .publish import Options
    from .publish import publish as run

    options = Options(Path(out), Path(cache), jobs, sys.stderr.isatty(), search=not no_search, pdf=not no_pdf)
    result = run(paths or ("drafts",), options, echo=lambda line: click.echo(line, err=True))
    for warning in result.warnings:
        click.echo(warning, err=True)
    click.echo(result.summary(), err=True)
    if timings and result.stages:
        click.echo(f"publish: {result.timings()}", err=True)


@main.command()
@click.option("--dir", "folder", default="site", show_default=True, help="The published site.")
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@guarded
def serve(folder: str, port: int) -> None:
    """Preview the published site over HTTP on 127.0.0.1 (search needs HTTP)."""
    from .serve import serve as run

    run(Path(folder), port, echo=click.echo)


@main.command(name="pdf")
@click.argument("paths", nargs=-1)
@click.option("--out", required=True, help="PDFs go to OUT/pdf/{old}--{new}/ (not the published site).")
@click.option("--jobs", "-j", default=0, help="Worker processes (0: one per core).")
@click.option(
    "--only",
    type=click.Choice(["all", "section", "document", "part"]),
    default="all",
    show_default=True,
    help="Render one kind of PDF only.",
)
@guarded
def pdf_command(paths: tuple[str, ...], out: str, jobs: int, only: str) -> None:
    """Render the redline PDFs of the drafts (default: drafts/) without publishing the site."""
    import time

    from .pdf import pdf_jobs, render_many, source_date_epoch
    from .sitebuild import overrides_for, transitions

    corpus = load_corpus(paths or ("drafts",))
    report(corpus)
    if corpus.errors:
        raise ToolchainError(f"pdf: error: {len(corpus.errors)} errors in the drafts; fix them first")
    folder = draft_files(paths or ("drafts",))[0].parent
    processes = jobs or os.cpu_count() or 1
    data, found = transitions(corpus.drafts, overrides_for(folder), jobs=processes)
    todo = pdf_jobs(data.history, [t.comparison for t in found], corpus.config, source_date_epoch())
    todo = [job for job in todo if only in ("all", job.kind)]
    start = time.perf_counter()
    for job, data_bytes in render_many(todo, processes):
        target = Path(out) / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data_bytes)
        partial.replace(target)
    seconds = time.perf_counter() - start
    rate = len(todo) / seconds if seconds else 0.0
    click.echo(f"pdf: wrote {len(todo)} PDFs to {out}/pdf/ in {seconds:.2f} s ({rate:.1f} per second, "
               f"{processes} processes)", err=True)  # fmt: skip
