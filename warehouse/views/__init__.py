"""Derived views, defined by the `NNN_name.sql` files of this folder and created by migrations only.

A nightly never drops a view: grants given to analysts and analysts' own views built on ours
survive. Changing a file here needs a new migration that calls `replace_views` with the changed
names, and `VIEWS_DIGEST` set to the new `views_digest()` (a test checks both stay in step).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import Connection

HERE = Path(__file__).parent
_VIEW_NAME = re.compile(r"CREATE\s+VIEW\s+(\w+)", re.IGNORECASE)
# views_digest() of the definitions the latest view migration created
VIEWS_DIGEST = "b1d8f7b8fdf84c73a3a87955b39e8ec29cd5f686079aedcf5d30db726d197076"


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


def views_digest() -> str:
    return hashlib.sha256("\n".join(body for _, body in view_statements()).encode()).hexdigest()


def drop_views(conn: Connection, names: list[str]) -> None:
    """Migrations only. CASCADE on PostgreSQL also drops analysts' dependent views: say so in the
    release notes of the migration."""
    cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
    for name in reversed(names):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}{cascade}")


def replace_views(conn: Connection, names: list[str] | None = None) -> list[str]:
    """Migrations only: (re)create these views (default: all) from their files; returns the names."""
    chosen = [(n, body) for n, body in view_statements() if names is None or n in names]
    drop_views(conn, [n for n, _ in chosen])
    for _, body in chosen:
        conn.exec_driver_sql(body)
    return [n for n, _ in chosen]
