"""Given exports on a real SFTP server (asyncssh on 127.0.0.1, password auth), when the nightly
reads `sftp://user:pw@127.0.0.1:PORT/depot` through fsspec/sshfs, then the files are discovered,
archived and loaded — and a second run loads nothing again."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import text

from cpts.config import Settings, get_settings
from flows.nightly import chargement_nocturne
from tasks.warehouse_tasks import is_remote
from tests.builders import month_of_passages, write_rpu_csv
from tests.conftest import TEST_KEY
from warehouse.db import make_engine

USER, PASSWORD = "depot-cpts", "mot-de-passe-de-test"
CHU = "420784878"


class PasswordOnly(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return True  # authentication is required

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return (username, password) == (USER, PASSWORD)


@pytest.fixture(scope="module")
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def sftp_root(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """An SFTP server in a thread serving a temp folder (chroot), with a throwaway host key."""
    root = tmp_path / "sftp"
    root.mkdir()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> asyncssh.SSHAcceptor:
        return await asyncssh.create_server(
            PasswordOnly, "127.0.0.1", 0, server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()))

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield root, server.sockets[0].getsockname()[1]
    finally:
        asyncio.run_coroutine_threadsafe(shutdown(server), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


async def shutdown(server: asyncssh.SSHAcceptor) -> None:
    """Stop listening, then end the sessions the client (fsspec's cached sshfs) left open."""
    server.close()
    await server.wait_closed()
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


@pytest.fixture
def sftp_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("CPTS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CPTS_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    monkeypatch.setenv("CPTS_PSEUDO_KEY", TEST_KEY)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/known_hosts: the test host key is accepted
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_an_sftp_inbox_is_discovered_archived_and_loaded(
        prefect_server: None, sftp_root: tuple[Path, int], sftp_settings: Settings) -> None:
    root, port = sftp_root
    write_rpu_csv(root / "depot", CHU, "202403", month_of_passages(CHU, 2024, 3, 25))
    write_rpu_csv(root / "depot", CHU, "202404", month_of_passages(CHU, 2024, 4, 5))
    inbox = f"sftp://{USER}:{PASSWORD}@127.0.0.1:{port}/depot"
    assert is_remote(inbox)

    report = chargement_nocturne(boite_de_depot=inbox)

    assert [(d.name, o.statut) for d, o in report.outcomes] == [
        (f"RPU_{CHU}_202403.csv", "charge"), (f"RPU_{CHU}_202404.csv", "charge")]
    for delivery, _ in report.outcomes:
        archived = Path(delivery.local_path)
        assert archived.is_relative_to(sftp_settings.archive_path)
        assert archived.read_bytes() == (root / "depot" / "hopital" / delivery.name).read_bytes()
    with make_engine(sftp_settings.database_url).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM passages_urgences")).scalar_one() == 30

    again = chargement_nocturne(boite_de_depot=inbox)

    assert {o.statut for _, o in again.outcomes} == {"deja_charge"}


def test_a_wrong_sftp_password_fails_with_the_server_refusal(
        prefect_server: None, sftp_root: tuple[Path, int], sftp_settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tasks.warehouse_tasks as wt

    # No 10-20-40 s backoff in a test: the retry policy itself is checked by its options.
    monkeypatch.setattr(wt, "discover_remote_files", wt.discover_remote_files.with_options(
        retries=1, retry_delay_seconds=0))
    assert wt.REMOTE_RETRIES == 3
    root, port = sftp_root
    (root / "depot" / "hopital").mkdir(parents=True)

    with pytest.raises(Exception, match=r"(?i)permission|auth"):
        chargement_nocturne(boite_de_depot=f"sftp://{USER}:faux@127.0.0.1:{port}/depot")
