"""Issue 12 §2 acceptance, faults: a ticket's page shows no button its viewer cannot use, and every
button they can (matrix: the ticket's department — a member and its supervisor —, the Center's
dispatcher, the reporter and an auditor × tickets in several states). The buttons come from
faults.rules through core.actions.available_actions, the same predicates the transitions' permission=
and the services check."""

import pytest
from django.urls import reverse

from core.actions import available_actions
from faults import rules, services
from faults.models import FaultTicket
from tests.pages import check_buttons, refused_inline

from .test_pages import make

pytestmark = pytest.mark.django_db

ROLES = ("member", "supervisor", "dispatcher", "front", "auditor")


def tickets_in_several_states(people) -> dict[str, FaultTicket]:
    member = people.member
    reported = make(people, "C")
    acknowledged = services.fault_acknowledge(ticket=make(people, "C"), by=member)
    in_progress = services.fault_start_work(ticket=make(people, "C"), by=member, workaround="绕行")
    resolved = services.fault_resolve(ticket=make(people, "C"), by=member, resolution="换板")
    closed = services.fault_close(ticket=services.fault_resolve(ticket=make(people, "C"), by=member), by=people.front)
    return {
        "reported": reported,
        "acknowledged": acknowledged,
        "in_progress": in_progress,
        "resolved": resolved,
        "closed": closed,
    }


def buttons_of(ticket: FaultTicket, user) -> tuple[dict[str, bool], dict[str, str]]:
    ticket = FaultTicket.objects.get(pk=ticket.pk)
    may = available_actions(ticket, user, rules.TICKET_BUTTONS)
    return may, {name: reverse("faults:act", args=[ticket.pk, name]) for name in may}


def test_f2_2_f2_4_a_ticket_page_shows_exactly_the_buttons_its_viewer_may_press(client, people):
    tickets = tickets_in_several_states(people)
    seen: dict[tuple[str, str], set] = {}
    for role in ROLES:
        user = getattr(people, role)
        client.force_login(user)
        for state, ticket in tickets.items():
            may, urls = buttons_of(ticket, user)
            page = reverse("faults:detail", args=[ticket.pk])
            if client.get(page).status_code in (403, 404):  # not theirs to see: nothing theirs to do
                assert not any(may.values()), (role, state, may)
                seen[role, state] = set()
                continue
            seen[role, state] = check_buttons(client, page, may, urls, prefixes=(f"/faults/{ticket.pk}/",))
    assert {"acknowledge", "workaround", "resolve"} <= seen["member", "reported"]
    assert "problem" not in seen["member", "reported"] and "problem" in seen["supervisor", "reported"]  # F2.5
    assert "helpers" not in seen["member", "reported"] and "helpers" in seen["supervisor", "reported"]  # F2.3
    assert {"recovery", "explanation", "close", "reopen"} <= seen["supervisor", "resolved"]
    assert {"recovery", "explanation", "close", "reopen"} <= seen["dispatcher", "resolved"]
    assert {"close", "reopen"} <= seen["front", "resolved"] and "resolve" not in seen["front", "in_progress"]
    assert "acknowledge" not in seen["dispatcher", "reported"]
    assert all(not names for (role, _), names in seen.items() if role == "auditor")


def test_f2_2_a_shown_button_is_carried_out_and_a_hidden_one_is_refused(client, people):
    tickets = tickets_in_several_states(people)
    reported = tickets["reported"]
    url = reverse("faults:act", args=[reported.pk, "acknowledge"])
    page = reverse("faults:detail", args=[reported.pk])
    # Hidden for the reporter (the handling department acknowledges, F2.2): refused with 403.
    client.force_login(people.front)
    assert client.post(url).status_code == 403
    # Shown for the department's member: carried out.
    client.force_login(people.member)
    assert "acknowledge" in check_buttons(client, page, *buttons_of(reported, people.member))
    assert client.post(url).status_code == 302
    reported.refresh_from_db()
    assert reported.state == "acknowledged"
    # Now hidden (acknowledged already): refused (409) with the reason, back on the ticket.
    assert "acknowledge" not in check_buttons(client, page, *buttons_of(reported, people.member))
    assert refused_inline(client, url, back_to=page)
