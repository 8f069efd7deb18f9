"""A `PdfDoc` → PDF bytes with Jinja2 (autoescape on) and WeasyPrint (HTML + CSS paged media).

One engine per process: the Jinja environment, WeasyPrint's `FontConfiguration` and the parsed print
stylesheet are built once and reused for every document, so a section PDF costs only its own layout.
WeasyPrint (and with it Pango) is imported on first use, so the rest of the toolchain works without it.

Determinism: no `/ID` and no wall-clock dates are written (the dates come from the view-model), fonts
are subset the same way each time, and the HTML is a pure function of the view-model; the same job
gives the same bytes in any process.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from markupsafe import Markup

from . import jinja
from .errors import PublishError
from .model import DiffOp
from .pdf_view import PdfDoc
from .redline import redline

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pdf"
STYLESHEET = "pdf.css"
# WeasyPrint's write_pdf options; part of every job's hash.
OPTIONS: dict[str, Any] = {"pdf_tags": True, "pdf_identifier": False, "uncompressed_pdf": False}
PANGO_HINT = (
    "PDF redlines need WeasyPrint and the Pango libraries: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (macOS: brew install pango); "
    "or publish with --no-pdf"
)


@dataclass(frozen=True, slots=True)
class _Engine:
    env: Environment
    css: CSS
    fonts: FontConfiguration


@cache
def environment(folder: str = str(TEMPLATES)) -> Environment:
    env = jinja.environment(folder)
    env.filters.update(
        redline=_redline,
        pct=lambda value: f"{round(float(value) * 100)} %",
        label=lambda name: str(name).replace("-", " ").replace(".", ": ").capitalize(),
    )
    return env


def _redline(ops: tuple[DiffOp, ...], side: str = "both") -> Markup:
    return redline(tuple(ops), side)


@cache
def engine() -> _Engine:
    try:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
    except OSError as exc:  # cffi cannot load libpango-1.0-0 & co.
        raise PublishError(f"pdf: error: {exc}. {PANGO_HINT}") from exc
    fonts = FontConfiguration()
    css = CSS(filename=str(TEMPLATES / STYLESHEET), font_config=fonts)
    return _Engine(environment(), css, fonts)


def render_html(doc: PdfDoc) -> str:
    """The HTML WeasyPrint lays out (also handy to inspect a PDF's content in a browser)."""
    return environment().get_template("redline.html").render(doc=doc)


def render_doc(doc: PdfDoc) -> bytes:
    from weasyprint import HTML

    eng = engine()
    html = HTML(string=render_html(doc), base_url=None)
    pdf = html.write_pdf(stylesheets=[eng.css], font_config=eng.fonts, **OPTIONS)
    assert pdf is not None, "write_pdf without a target returns bytes"
    return bytes(pdf)


def warm() -> None:
    """Build the engine now (a worker initializer), so the first job is not slower than the rest."""
    engine()


@cache
def engine_key() -> str:
    """Everything besides the view-model that affects a PDF's bytes: templates and CSS, the code that
    turns a view-model into HTML (this module and the redline fragments), engine versions, options."""
    digest = hashlib.sha256()
    for path in sorted(p for p in TEMPLATES.rglob("*") if p.is_file()):
        digest.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for module in (Path(__file__), Path(__file__).with_name("redline.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    for package in ("weasyprint", "pydyf", "fonttools"):
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{package}={version}\0".encode())
    digest.update(repr(sorted(OPTIONS.items())).encode())
    return digest.hexdigest()
