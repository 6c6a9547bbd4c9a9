"""Great Expectations Data Docs served offline: every CDN reference removed, a local stylesheet added.

GX pages load Bootstrap, jQuery, Vega and Font Awesome from CDNs; offline they render blank. The
portal serves the generated files through `clean_html`/`clean_css`, so the browser never asks the
internet for anything; the content (tables of expectations and results) is plain HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_EXTERNAL_TAG = re.compile(
    r"<(?:link|img|iframe|source|embed)\b[^>]*\b(?:href|src|srcset)\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?['\"]?(?:https?:)?//[^;]*;", re.IGNORECASE)
LOCAL_STYLE = '<link rel="stylesheet" href="/static/datadocs.css">'
BANNER = ('<div class="observatoire-bandeau">Observatoire CPTS — détail technique des contrôles qualité '
          '(Great Expectations, en anglais). Le résumé en français est sur la page '
          '<a href="/qualite">Qualité</a>.</div>')


def clean_html(html: str) -> str:
    html = _SCRIPT.sub("", html)
    html = _EXTERNAL_TAG.sub("", html)
    html = re.sub(r"</head>", LOCAL_STYLE + "</head>", html, count=1, flags=re.IGNORECASE)
    return re.sub(r"(<body\b[^>]*>)", r"\1" + BANNER, html, count=1, flags=re.IGNORECASE)


def clean_css(css: str) -> str:
    return _CSS_URL.sub("none", _CSS_IMPORT.sub("", css))


def validation_pages(root: Path, execution_id: str) -> dict[str, str]:
    """suite (table or derived check) → page of that quality run, relative to the docs root.

    GX names each run's folder after the run name, which is our execution id (quality/run.py)."""
    found = sorted((root / "validations").glob(f"*/{execution_id}/*/*.html")) if root.is_dir() else []
    return {p.relative_to(root / "validations").parts[0]: p.relative_to(root).as_posix() for p in found}


def resolve(root: Path, relative: str) -> Path | None:
    """The file under `root` named by `relative`, or None (missing, or outside the root)."""
    root = root.resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, ValueError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target
