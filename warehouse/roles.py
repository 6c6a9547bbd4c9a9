"""PostgreSQL roles (no-op on SQLite): `cpts_chargement` owns and writes, `cpts_analyste` reads the
published views and the catalogue only, and may build its own views in the `analyses` schema.

Roles are cluster-wide and test databases migrate concurrently: every statement is idempotent and
tolerates a concurrent creation. A migration that adds a table or view calls `ensure_roles` again.
"""

from __future__ import annotations

from sqlalchemy import Connection

WRITER = "cpts_chargement"
ANALYST = "cpts_analyste"
ANALYST_SCHEMA = "analyses"
# What analysts may read: no registry, rejects, pseudonymous keys nor facts.
PUBLISHED = ("indicateurs_valeurs", "indicateurs_ventilations_libelles", "indicateurs_catalogue")

_CREATE_ROLE = """DO $$ BEGIN CREATE ROLE {role} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"""
# Ownership needs superuser or membership of the writer role; otherwise objects keep their owner
# and the writer role gets every privilege instead.
_OWN_ALL = """DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v')
             AND pg_get_userbyid(c.relowner) <> '{writer}' LOOP
    EXECUTE 'ALTER ' || CASE r.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END || ' '
            || quote_ident(r.relname) || ' OWNER TO {writer}';  -- a table's sequences follow it
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE USING MESSAGE = 'propriétaire inchangé : ' || SQLERRM;
END $$"""


def ensure_roles(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for role in (WRITER, ANALYST):
        conn.exec_driver_sql(_CREATE_ROLE.format(role=role))
    conn.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA {_schema(conn)} TO {WRITER}")
    conn.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {_schema(conn)} TO {WRITER}")
    conn.exec_driver_sql(_OWN_ALL.format(writer=WRITER))
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_schema(conn)} TO {ANALYST}")
    conn.exec_driver_sql(f"GRANT SELECT ON {', '.join(PUBLISHED)} TO {ANALYST}")
    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {ANALYST_SCHEMA}")
    conn.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA {ANALYST_SCHEMA} TO {ANALYST}")


def _schema(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
