"""Settings come from the environment; production mode passes `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.LANGUAGE_CODE, s.TIME_ZONE)"  # noqa: E501


IGNORED_ENV = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_defaults_need_no_server():
    result = run(["shell", "-c", PRINT])
    assert result.stdout.splitlines()[-1].split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "zh-hans",
        "Asia/Shanghai",
    ]


def test_database_and_broker_from_the_environment():
    result = run(["shell", "-c", PRINT], DATABASE_URL="postgres://u@db:5432/brp", REDIS_URL="redis://cache:6379/1")
    assert result.stdout.splitlines()[-1].split()[:2] == ["django.db.backends.postgresql", "redis://cache:6379/1"]


def test_production_mode_passes_check_deploy():
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        BRP_PRODUCTION="1",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="brp.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run(["check"], BRP_PRODUCTION="1", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_migrations_match_the_models():
    result = run(["makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_beat_schedule_is_one_literal():
    """Issue 12 §5: every periodic task is in one dict literal in config/settings.py; nothing adds
    to it later (no ``CELERY_BEAT_SCHEDULE[...] =``, no ``.update``) and the Celery app builds none."""
    import ast

    tree = ast.parse((ROOT / "config" / "settings.py").read_text(encoding="utf-8"))
    assigned, changed = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == "CELERY_BEAT_SCHEDULE":
                    assigned.append(node.value)
                elif isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "CELERY_BEAT_SCHEDULE":
                    changed.append(node.lineno)
        elif isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "CELERY_BEAT_SCHEDULE":
            changed.append(node.lineno)
    assert len(assigned) == 1 and isinstance(assigned[0], ast.Dict), assigned
    assert changed == []
    celery_app = (ROOT / "config" / "celery.py").read_text(encoding="utf-8")
    assert "beat_schedule" not in celery_app and "add_periodic_task" not in celery_app

    from django.conf import settings

    assert sorted(settings.CELERY_BEAT_SCHEDULE) == [
        "accounts-apply-hr-events",
        "accounts-clear-expired-sessions",
        "billing-arrears-scan",
        "billing-resume-invoicing",
        "billing-schedule-month-runs",  # B4.2/B4.3: each month's runs created on the calendar
        "faults-suggest-event-levels",  # F2.9 → F2.7: the day's complaint counts suggest event levels
        "responses-equipment-half-month",
        "sla-close-month",
        "sla-retry-stale",
        "sla-sweep",
    ]
