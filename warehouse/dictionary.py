"""Generate `docs/dictionnaire.md`, the analysts' data dictionary, from the warehouse metadata.

Run `python -m warehouse.dictionary`; a test checks the committed page is up to date.
"""

from __future__ import annotations

import re
from pathlib import Path

from warehouse.tables import metadata
from warehouse.views import HERE as VIEWS

TARGET = Path(__file__).resolve().parents[1] / "docs" / "dictionnaire.md"
_VIEW = re.compile(r"((?:--[^\n]*\n)+)CREATE VIEW (\w+)", re.IGNORECASE)


def _tables() -> list[str]:
    out = []
    for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
        out += [f"### `{table.name}`", "", table.comment or "", "",
                "| colonne | type | description |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.type} | {(c.comment or '').replace('|', '/')} |" for c in table.columns]
        out.append("")
    return out


def _views() -> list[str]:
    out = []
    for path in sorted(VIEWS.glob("*.sql")):
        for comment, name in _VIEW.findall(path.read_text()):
            text = " ".join(line.lstrip("- ").strip() for line in comment.splitlines())
            out += [f"### `{name}` (vue, {path.name})", "", text, ""]
    return out


def render() -> str:
    lines = ["# Dictionnaire des données de l'entrepôt", "",
             "Page générée par `python -m warehouse.dictionary` : ne pas modifier à la main.", "",
             "## Tables", "", *_tables(), "## Vues", "", *_views()]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    TARGET.write_text(render())
    print(TARGET)
