"""Derived views, (re)created from the `NNN_name.sql` files of this folder at each upgrade.

Views hold no data, so dropping and recreating them is safe and keeps one source of truth.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection

HERE = Path(__file__).parent
_VIEW_NAME = re.compile(r"CREATE\s+VIEW\s+(\w+)", re.IGNORECASE)


def view_statements() -> list[tuple[str, str]]:
    """(view name, CREATE statement) in file order then statement order."""
    out = []
    for path in sorted(HERE.glob("*.sql")):
        code = "\n".join(
            line for line in path.read_text().splitlines() if not line.strip().startswith("--")
        )
        for statement in code.split(";"):
            body = statement.strip()
            m = _VIEW_NAME.search(body)
            if m:
                out.append((m.group(1), body))
    return out


def recreate_views(conn: Connection) -> None:
    statements = view_statements()
    cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
    for name, _ in reversed(statements):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}{cascade}")
    for _, body in statements:
        conn.exec_driver_sql(body)
