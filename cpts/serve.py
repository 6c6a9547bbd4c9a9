"""`cpts serve`: a local Prefect server, the work pool, the deployments and one process worker.

Each piece is a separate function so the integration test drives exactly what the command does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cpts.config import PROJECT_ROOT, ConfigurationError, Settings
from cpts.private import open_private, private_dir

WORK_POOL = "cpts-process"
WRITE_LIMIT = "ecriture-entrepot"  # same name as flows.nightly.WRITE_LIMIT
PREFECT = [sys.executable, "-m", "prefect"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalPrefect:
    """Environment and child processes of one local Prefect installation."""

    home: Path
    port: int
    host: str = "127.0.0.1"
    extra_env: dict[str, str] = field(default_factory=dict)
    auth: str | None = None  # "user:password" of Prefect's basic auth (server and clients)
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_SERVER_API_HOST": self.host,
            "PREFECT_SERVER_API_PORT": str(self.port),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_CLI_PROMPT": "false",
            "CPTS_PROJECT_DIR": str(PROJECT_ROOT),  # templated into prefect.yaml's pull step
        })
        if self.auth:  # the server demands it, the worker, the CLI and the portal send it
            env["PREFECT_SERVER_API_AUTH_STRING"] = env["PREFECT_API_AUTH_STRING"] = self.auth
        return env

    def _auth_header(self) -> dict[str, str]:
        if not self.auth:
            return {}
        import base64

        return {"Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode()}

    def _spawn(self, args: list[str], log_name: str, command: list[str] | None = None) -> subprocess.Popen:
        private_dir(self.home)  # Prefect's database and logs quote file names and run details
        log = open_private(self.home / log_name, "ab")
        proc = subprocess.Popen([*(command or PREFECT), *args], env=self.env(), cwd=PROJECT_ROOT,
                                stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(proc)
        return proc

    def start_server(self, timeout: float = 90) -> None:
        proc = self._spawn(["server", "start", "--host", self.host, "--port", str(self.port)],
                           "serveur.log")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"Le serveur Prefect s'est arrêté ; voir {self.home / 'serveur.log'}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2,
                             headers=self._auth_header()).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"Le serveur Prefect ne répond pas sur {self.api_url} après {timeout:.0f} s ; "
                           f"voir {self.home / 'serveur.log'}")

    def run_cli(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run([*PREFECT, *args], env=self.env(), cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"`prefect {' '.join(args)}` a échoué :\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> None:
        """Work pool and the warehouse-writer limit (idempotent)."""
        pools = self.run_cli("work-pool", "ls")
        if WORK_POOL not in pools:
            self.run_cli("work-pool", "create", WORK_POOL, "--type", "process")
        existing = self.run_cli("global-concurrency-limit", "ls")
        if WRITE_LIMIT not in existing:
            self.run_cli("global-concurrency-limit", "create", WRITE_LIMIT, "--limit", "1")

    def deploy_all(self) -> str:
        return self.run_cli("deploy", "--all", timeout=300)

    def start_worker(self, name: str | None = None, limit: int | None = None) -> None:
        """A process worker; several, named, for a nightly spread over batches (flows/lots.py)."""
        args = ["worker", "start", "--pool", WORK_POOL, "--type", "process"]
        args += ["--name", name] if name else []
        args += ["--limit", str(limit)] if limit else []
        self._spawn(args, f"{name or 'worker'}.log")

    def start_portal(self, host: str, port: int, timeout: float = 120) -> str:
        """The portal in its own process, talking to this Prefect; returns its URL."""
        proc = self._spawn(["--hote", host, "--port", str(port)], "portail.log",
                           command=[sys.executable, "-m", "portal"])
        url = f"http://{host}:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"Le portail s'est arrêté ; voir {self.home / 'portail.log'}")
            try:
                if httpx.get(f"{url}/sante", timeout=2).status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"Le portail ne répond pas sur {url} ; voir {self.home / 'portail.log'}")

    def stop(self) -> None:
        for proc in reversed(self.processes):  # worker first, then the server
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.processes.clear()


def serve(home: Path, port: int = 4200, host: str = "127.0.0.1", settings: Settings | None = None) -> None:
    """Start everything and wait for Ctrl+C (French messages: the coordinator may run it)."""
    from portal.server import check_exposure

    settings = settings or Settings()
    auth = settings.prefect_auth.get_secret_value() if settings.prefect_auth else None
    check_exposure(settings, host)  # no account, or Prefect left open beyond localhost: refuse
    if auth is not None and ":" not in auth:
        raise ConfigurationError("CPTS_PREFECT_AUTH doit être de la forme « utilisateur:motdepasse ».")
    local = LocalPrefect(home=home, port=port, host=host, auth=auth)
    # The worker's artifacts link to the portal rather than to file:// paths.
    local.extra_env.setdefault("CPTS_PORTAIL_URL", settings.portail_url
                               or f"http://{host}:{settings.portail_port}")
    try:
        print(f"Démarrage du serveur Prefect ({local.ui_url}) …", flush=True)
        local.start_server()
        local.prepare()
        print("Création des déploiements depuis prefect.yaml …", flush=True)
        local.deploy_all()
        local.start_worker()
        portal = local.start_portal(host, settings.portail_port)
        print(f"Prêt : portail Observatoire sur {portal}, interface Prefect sur {local.ui_url}"
              f"{' (identifiants CPTS_PREFECT_AUTH)' if auth else ''}. Ctrl+C pour arrêter.", flush=True)
        while all(p.poll() is None for p in local.processes):
            time.sleep(1)
        print(f"Un processus Prefect s'est arrêté ; voir les journaux dans {home}.", flush=True)
    except KeyboardInterrupt:
        print("Arrêt demandé.", flush=True)
    finally:
        local.stop()
