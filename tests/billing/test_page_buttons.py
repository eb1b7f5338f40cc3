"""Issue 12 §2 acceptance, billing: a bill run's page shows no button its viewer cannot use, and every
button they can (matrix: the IT operator, a second operator, the supervisor, a viewer and an auditor ×
runs in several states). The buttons come from billing.rules through core.actions.available_actions,
the same predicates the run's transitions carry as permission=."""

from datetime import date

import pytest
from django.urls import reverse

from billing import rules, services
from billing.models import BillRun
from core.actions import available_actions
from org.roles import Role
from tests.factories import UserFactory
from tests.pages import check_buttons, refused_inline

from .conftest import make_service
from .test_bill_runs import ALL_CHECKS

pytestmark = pytest.mark.django_db


def runs_in_several_states(op) -> dict[str, BillRun]:
    make_service(monthly="3000.00")
    runs = {}
    for state, month in (("scheduled", 7), ("checking", 8), ("preprocessing", 9), ("verifying", 10)):
        run = services.bill_run_schedule(period=date(2026, month, 1))
        if state != "scheduled":
            run = services.bill_run_start_check(run=run, by=op)
        if state in ("preprocessing", "verifying"):
            run = services.bill_run_sign_check(run=run, by=op, checklist=ALL_CHECKS)
        if state == "verifying":
            run = services.bill_run_finish_preprocessing(run=run, by=op)
        assert run.state == state
        runs[state] = run
    return runs


def buttons_of(run: BillRun, user) -> tuple[dict[str, bool], dict[str, str]]:
    run = BillRun.objects.get(pk=run.pk)
    may = available_actions(run, user, rules.RUN_BUTTONS)
    return may, {name: reverse("billing:run-action", args=[run.pk, name.replace("_", "-")]) for name in may}


def test_b4_2_a_run_page_shows_exactly_the_buttons_its_viewer_may_press(client, it_team, org):
    people = it_team | {
        "viewer": UserFactory(username="bv", department=org["center"], roles=[Role.VIEWER]),
        "auditor": UserFactory(username="ba", department=org["it"], roles=[Role.AUDITOR]),
    }
    runs = runs_in_several_states(it_team["operator"])
    seen: dict[tuple[str, str], set] = {}
    for role in ("operator", "second", "supervisor", "viewer", "auditor"):
        client.force_login(people[role])
        for state, run in runs.items():
            may, urls = buttons_of(run, people[role])
            page = reverse("billing:run", args=[run.pk])
            seen[role, state] = check_buttons(client, page, may, urls, prefixes=(f"/billing/runs/{run.pk}/",))
    assert {"start_check", "anomaly"} <= seen["operator", "scheduled"]
    assert {"sign_check", "roll_back"} <= seen["operator", "checking"]
    assert "finish_preprocessing" in seen["operator", "preprocessing"]
    # Four eyes (B4.2): the run's operator has no verify button, the second operator has.
    assert "verify" not in seen["operator", "verifying"] and "verify" in seen["second", "verifying"]
    assert "start_check" not in seen["supervisor", "scheduled"] and "roll_back" in seen["supervisor", "checking"]
    assert all(not seen[role, state] for role in ("viewer", "auditor") for state in runs)


def test_b4_2_a_shown_button_is_carried_out_and_a_hidden_one_is_refused(client, it_team):
    run = runs_in_several_states(it_team["operator"])["verifying"]
    url = reverse("billing:run-action", args=[run.pk, "verify"])
    page = reverse("billing:run", args=[run.pk])
    # Hidden for the run's operator (four eyes): refused with 403.
    client.force_login(it_team["operator"])
    assert client.post(url).status_code == 403
    # Shown for the second operator: carried out.
    client.force_login(it_team["second"])
    assert "verify" in check_buttons(client, page, *buttons_of(run, it_team["second"]))
    assert client.post(url).status_code == 302
    run.refresh_from_db()
    assert run.state in ("invoicing", "reviewing") and run.verified_by == it_team["second"]
    # Now hidden (verified already): refused (409) with the reason, back on the run's page.
    assert "verify" not in check_buttons(client, page, *buttons_of(run, it_team["second"]))
    assert refused_inline(client, url, back_to=page)
