"""The one way this project makes a Jinja environment: autoescaping on, undefined names an error."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


def environment(folder: str, keep_trailing_newline: bool = False) -> Environment:
    """Templates from `folder`; every value is escaped unless it is `Markup` (our redline fragments)."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
