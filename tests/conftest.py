"""Shared fixtures: a fresh warehouse on SQLite and on PostgreSQL, settings pointing at it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from cpts.config import Settings
from warehouse.db import make_engine, upgrade

PG_ADMIN_URL = os.environ.get("CPTS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_KEY = "cle-de-test-pseudonymisation"


def _pg_admin() -> Engine | None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL injoignable sous CI=true ({PG_ADMIN_URL}) : {exc}")
        return None
    return engine


@pytest.fixture(scope="session")
def pg_server() -> Engine | None:
    return _pg_admin()


def new_pg_database(admin: Engine) -> str:
    name = f"cpts_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin: Engine, url: str) -> None:
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite warehouse upgraded once per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("modele") / "entrepot.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last close checkpoints the WAL into the main file
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: Engine | None) -> Iterator[str | None]:
    """A PostgreSQL database upgraded once per session, cloned by CREATE DATABASE … TEMPLATE."""
    if pg_server is None:
        yield None
        return
    url = new_pg_database(pg_server)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield make_url(url).database
    drop_pg_database(pg_server, url)


def clone_pg_database(admin: Engine, template: str) -> str:
    name = f"cpts_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A truly empty database on each backend (a new PostgreSQL database per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vide.sqlite'}"
        return
    pg_server = request.getfixturevalue("pg_server")
    if pg_server is None:
        pytest.skip("PostgreSQL injoignable (les tests PostgreSQL sont ignorés hors CI)")
    url = new_pg_database(pg_server)
    try:
        yield url
    finally:
        make_engine(url).dispose()
        drop_pg_database(pg_server, url)


@contextmanager
def private_warehouse(request: pytest.FixtureRequest, directory: Path) -> Iterator[str]:
    """A migrated warehouse holding only reference data, cloned from the session's template.

    `request.param` is the backend; the PostgreSQL fixtures are only asked for by PostgreSQL tests.
    """
    if request.param == "sqlite":
        path = directory / "entrepot.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    pg_server, pg_template = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template")
    if pg_server is None or pg_template is None:
        pytest.skip("PostgreSQL injoignable (les tests PostgreSQL sont ignorés hors CI)")
    url = clone_pg_database(pg_server, pg_template)
    try:
        yield url
    finally:
        make_engine(url).dispose()
        drop_pg_database(pg_server, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated warehouse private to the test, on each backend."""
    with private_warehouse(request, tmp_path) as url:
        yield url


@pytest.fixture
def settings(warehouse_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", warehouse_url=warehouse_url,
                    inbox=str(tmp_path / "depot"), pseudo_key=TEST_KEY)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def inbox(settings: Settings) -> Path:
    path = Path(settings.inbox_url)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def umask_022() -> Iterator[None]:
    """A permissive umask, as on a default server, restored afterwards (entry points set 0o077)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
