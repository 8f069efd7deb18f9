"""Thin click commands. Expected errors print one line and exit 1; bugs print a traceback, exit 2."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from . import __version__
from .config import load_config
from .corpus import Corpus, draft_files, load_corpus
from .errors import SourceError, ToolchainError
from .parse import parse_draft
from .tree import dump

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


@click.group()
@click.version_option(__version__, prog_name="toolchain")
def main() -> None:
    """Compare and publish successive drafts of a policy document."""


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
@click.argument("paths", nargs=-1)
@click.option("--out", default="site", show_default=True, help="Folder the site is published to.")
@guarded
def publish(paths: tuple[str, ...], out: str) -> None:
    """Parse, check and publish the drafts (default: drafts/) as a static site in OUT."""
    corpus = load_corpus(paths or ("drafts",))
    report(corpus)
    if corpus.errors:
        raise ToolchainError(
            f"publish: error: {len(corpus.errors)} errors in the drafts; {out}/ left as it was"
        )
    del out


__all__ = ["SourceError", "main"]
