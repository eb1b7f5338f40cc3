"""Real servers for the fault tests (issue 11, point 3): a ``redis-server`` of the test's own
that the test kills, pauses (SIGSTOP) and brings back, and the site under gunicorn, on
spare ports, pointed at the pytest database on PostgreSQL.

Nothing is mocked: the site, the worker and beat are separate processes talking to the
broker over TCP, exactly as in production. Without PostgreSQL or ``redis-server`` the
tests skip, and in CI (``CI=true``) a skip is a failure.
"""

import http.cookiejar
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.celery_harness import ROOT, CeleryEnv, CeleryProcess, worker_env

# Spare ports of these tests; each server takes the first free one.
PORTS = range(17300, 17400)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def wait_for_port(port: int, timeout: float = 15) -> None:
    stop_at = time.monotonic() + timeout
    while time.monotonic() < stop_at:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s")


class RedisServer:
    """A throw-away ``redis-server`` (no persistence) the test controls."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.tmp = tmp
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        log = open(self.tmp / "redis.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(args, cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        """Broker down: the process is gone, connections are refused."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=10)

    def pause(self) -> None:
        """Broker hung: the port still accepts connections, but nothing answers."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)


SITE_APPLICATION_NAME = "brp-test-site"  # how the site's PostgreSQL sessions are told from the workers'


class Site:
    """The platform under gunicorn, with a cookie jar logged in as one user. Its database sessions carry
    ``application_name=SITE_APPLICATION_NAME``, so a test can find them among the Celery workers'."""

    def __init__(self, env: dict, tmp: Path):
        self.port = free_port()
        url = env["DATABASE_URL"]
        if url.startswith("postgres"):
            url += ("&" if "?" in url else "?") + f"application_name={SITE_APPLICATION_NAME}"
        env = {**env, "DATABASE_URL": url}
        self.env = env
        self.process = CeleryProcess(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", f"--bind=127.0.0.1:{self.port}",
             "--workers=1", "--timeout=30", "--access-logfile=-", "--log-level=info"],
            env, tmp / "gunicorn.log",
        )  # fmt: skip
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.csrf = uuid.uuid4().hex  # an unmasked CSRF secret, sent as cookie and header

    def start(self) -> "Site":
        self.process.start()
        wait_for_port(self.port, timeout=30)
        return self

    def stop(self) -> None:
        self.process.stop()

    def login(self, user) -> None:
        """Open a session for ``user`` in the shared database and carry its cookie."""
        from django.test import Client

        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        for name, value in ((settings.SESSION_COOKIE_NAME, session), (settings.CSRF_COOKIE_NAME, self.csrf)):
            self.cookies.set_cookie(
                http.cookiejar.Cookie(
                    0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None,
                    {},
                )
            )  # fmt: skip

    def request(self, method: str, path: str, timeout: float = 40) -> tuple[int, bytes, float]:
        """(status, body, seconds taken)."""
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=b"{}" if method == "POST" else None,
            headers={"X-CSRFToken": self.csrf, "Content-Type": "application/json", "Accept": "application/json"},
        )
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.read(), time.monotonic() - started
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), time.monotonic() - started


@dataclass
class FaultEnv:
    redis: RedisServer
    site: Site
    celery: CeleryEnv


@pytest.fixture
def fault_env(transactional_db, tmp_path, settings):
    """A broker of the test's own, the site under gunicorn, and (started on demand) a
    worker and beat on that broker, all on the pytest database."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/brp")
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server program")
    redis = RedisServer(tmp_path).start()
    queue = f"brp-test-{uuid.uuid4().hex[:10]}"
    env = worker_env(settings, tmp_path, broker_url=redis.url, queue=queue)
    env.pop("BRP_PRODUCTION", None)
    site = Site(env, tmp_path)
    celery = CeleryEnv(env=env, tmp=tmp_path, queue=queue)
    try:
        site.start()
        yield FaultEnv(redis=redis, site=site, celery=celery)
    finally:
        for process in celery.processes:
            process.stop()
        site.stop()
        redis.kill()


def mails_to(mail_dir: Path, address: str) -> int:
    """How many messages the file e-mail backend wrote to ``address``."""
    if not mail_dir.exists():
        return 0
    return sum(f.read_text(errors="replace").count(f"\nTo: {address}\n") for f in mail_dir.iterdir())


__all__ = ["ROOT", "FaultEnv", "RedisServer", "Site", "fault_env", "mails_to"]
