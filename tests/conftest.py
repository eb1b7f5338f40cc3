import os

import pytest

from org.defaults import load_organisation
from sla.defaults import load_sla_defaults

pytest_plugins = ["tests.celery_harness", "tests.fault_harness"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached reads (key areas, dashboard figures) must not
    outlive the rolled-back data of an earlier test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org(db):
    """The departments of SPEC §0, the role groups and the default limits."""
    departments = load_organisation()
    load_sla_defaults()
    return departments


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CI=true) a skipped test is a failure: integration tests must really run there."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"


def pytest_terminal_summary(terminalreporter):
    """Print the permission matrices' sizes (issue 5) at the end of the run, wherever they ran."""
    lines = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        if report.when == "call"
        for name, value in report.user_properties
        if name == "permission_matrix"
    ]
    if lines:
        total = sum(int(line.rsplit("=", 1)[1].split()[0]) for line in lines)
        terminalreporter.section("permission matrix")
        for line in sorted(lines):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"total: {total} cells")
    _schemathesis_summary(terminalreporter)


def _schemathesis_summary(terminalreporter):
    """Requests the API fuzz (tests/fuzz) made, per role and in all (issue 11 §4)."""
    lines = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        if report.when == "call"
        for name, value in report.user_properties
        if name == "schemathesis"
    ]
    if lines:
        terminalreporter.section("schemathesis")
        for line in sorted(lines):
            terminalreporter.write_line(line)
        total = sum(int(line.split(" requests")[0].rsplit(" ", 1)[1]) for line in lines)
        terminalreporter.write_line(f"total: {total} requests")
