"""Real Celery worker and beat processes for integration tests (no mocks).

The processes talk to the pytest database on PostgreSQL and to the Redis
broker of ``CELERY_BROKER_URL``, on a queue of their own so that a developer's
running worker never steals a test's tasks. Without PostgreSQL or Redis the
tests skip, and in CI (``CI=true``) a skip is turned into a failure.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def integration_unavailable() -> str | None:
    """Why the integration tests cannot run here, or None when they can."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/brp"
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return "needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is unreachable: {exc}"
    return None


class CeleryProcess:
    def __init__(self, args: list[str], env: dict, log_path: Path):
        self.args, self.env, self.log_path = args, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self, ready_text: str | None = None, timeout: float = 30) -> "CeleryProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        if ready_text:
            stop_at = time.monotonic() + timeout
            while time.monotonic() < stop_at:
                if ready_text in self.log_path.read_bytes()[offset:].decode(errors="replace"):
                    return self
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
            raise RuntimeError(f"{self.args[4]} did not become ready; log:\n{self.log_tail()}")
        return self

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self, sig=signal.SIGKILL) -> None:
        """Kill the whole process group (prefork parent and children) at once."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class CeleryEnv:
    env: dict
    tmp: Path
    queue: str
    processes: list = field(default_factory=list)

    def worker(self, name: str = "w1", concurrency: int = 1) -> CeleryProcess:
        args = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            f"--hostname={name}-{self.queue}@%h", f"--queues={self.queue}",
            f"--concurrency={concurrency}", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        process = CeleryProcess(args, self.env, self.tmp / f"{name}.log").start(ready_text="ready.")
        self.processes.append(process)
        return process

    def beat(self) -> CeleryProcess:
        args = [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
            f"--schedule={self.tmp / 'beat-schedule'}",
        ]  # fmt: skip
        process = CeleryProcess(args, self.env, self.tmp / "beat.log").start(ready_text="beat: Starting")
        self.processes.append(process)
        return process

    def send(self, task, *args):
        """Publish ``task`` to this environment's queue over the real broker."""
        return task.apply_async(args=args, queue=self.queue)



def worker_env(settings, tmp_path: Path, *, broker_url: str, queue: str) -> dict:
    """The environment of a worker, beat or site process on the pytest database: fast sweeps and
    retries, mail written to files under ``tmp_path``, its own queue on ``broker_url``."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    database_url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        CELERY_QUEUE=queue,
        SLA_SWEEP_INTERVAL="1",
        SLA_NOTIFICATION_RETRY_AFTER="2",
        SLA_NOTIFICATION_RETRY_INTERVAL="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        BRP_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )


@pytest.fixture
def celery_env(transactional_db, tmp_path, settings):
    """Environment for real worker/beat processes sharing the test database."""
    reason = integration_unavailable()
    if reason:
        pytest.skip(reason)
    queue = f"brp-test-{uuid.uuid4().hex[:10]}"
    env = worker_env(settings, tmp_path, broker_url=settings.CELERY_BROKER_URL, queue=queue)
    celery = CeleryEnv(env=env, tmp=tmp_path, queue=queue)
    yield celery
    for process in celery.processes:
        process.stop()
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def wait_until(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    stop_at = time.monotonic() + timeout
    while time.monotonic() < stop_at:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
