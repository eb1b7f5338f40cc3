"""Production as a tested path (issue 11): ``collectstatic`` with ``BRP_PRODUCTION=1`` into a fresh
STATIC_ROOT, then gunicorn with the same environment on a free port of 127.0.0.1, answering as behind
the TLS proxy (``X-Forwarded-Proto: https``). The login page and the files it links answer 200 from
the hashed manifest names; every page carries the Content-Security-Policy; the OpenAPI document and
the Swagger UI need a login."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The test's own environment (its database, broker) is not the production server's.
IGNORED_ENV = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "STATIC_ROOT"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Collect the static files and serve them with gunicorn, as the README's checklist says."""
    tmp = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    env.update(
        BRP_PRODUCTION="1",
        SECRET_KEY="smoke-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp / "static"),
        BRP_VAR_DIR=str(tmp / "var"),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
    )
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert collect.returncode == 0, collect.stdout + collect.stderr
    assert (tmp / "static" / "staticfiles.json").exists()

    port = free_port()
    log = open(tmp / "gunicorn.log", "w+")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"gunicorn stopped: {(tmp / 'gunicorn.log').read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not listen within 60 s"
                time.sleep(0.2)
        yield port, tmp / "gunicorn.log"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def get(port: int, path: str, *, https: bool = True) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if https:
        headers["X-Forwarded-Proto"] = "https"  # what the TLS proxy in front of gunicorn sends
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_login_page_and_its_stylesheet_answer_200(production):
    port, log = production
    status, headers, body = get(port, "/login/")
    assert status == 200, log.read_text()
    html = body.decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert stylesheets and scripts, html
    for url in stylesheets + scripts:
        # The manifest's hashed name, served by whitenoise with a far-future cache.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        status, file_headers, content = get(port, url)
        assert status == 200, url
        assert file_headers["content-type"].startswith(("text/css", "text/javascript", "application/javascript"))
        assert content
    assert "max-age=31536000" in file_headers["cache-control"]
    # The secure settings of production are on.
    assert "max-age=31536000" in headers["strict-transport-security"]
    assert "secure" in headers["set-cookie"].lower()  # the CSRF cookie


def test_the_vendored_chart_js_is_collected(production):
    """Chart.js names no missing source map any more, so the manifest storage collected it."""
    port, log = production
    manifest = json.loads((log.parent / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/chartjs/chart-4.6.1.umd.min.js"]
    status, _, body = get(port, f"/static/{hashed}")
    assert status == 200 and body.rstrip().endswith(b"}));")
    assert b"sourceMappingURL" not in body


def test_plain_http_is_redirected_to_https(production):
    port, _ = production
    status, headers, _ = get(port, "/login/", https=False)
    assert status == 301 and headers["location"] == "https://127.0.0.1/login/"


def test_every_answer_carries_the_content_security_policy(production):
    port, _ = production
    for path in ("/login/", "/api/schema/", "/api/docs/"):
        _, headers, _ = get(port, path)
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_schema_and_api_docs_need_a_login_in_production(production):
    port, _ = production
    status, _, body = get(port, "/api/schema/")
    assert status in (401, 403), body
    assert b"openapi" not in body
    status, headers, _ = get(port, "/api/docs/")
    assert status == 302 and headers["location"].startswith("/login/?next=/api/docs/")


@pytest.mark.django_db
def test_in_development_the_docs_stay_open_and_keep_to_the_policy(client):
    """Development (the test settings): schema and Swagger UI need no login; the docs page and its
    start-up script come from this server, with no inline script or style."""
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    login = client.get("/login/")
    assert login.status_code == 200 and login["Content-Security-Policy"] == policy
