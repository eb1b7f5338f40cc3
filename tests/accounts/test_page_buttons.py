"""Issue 12 §2 acceptance, accounts: an account request's page shows no step its viewer cannot take,
and every step they can (matrix: the requester's department manager, the scope department's manager
and leader, the IT operator, an auditor and the requester × requests in several states). The steps
come from accounts.rules through core.actions.available_actions, the same predicates the request's
transitions carry as permission=."""

import pytest
from django.urls import reverse

from accounts import rules, services
from accounts.models import AccountRequest
from core.actions import available_actions
from tests.pages import check_buttons, refused_inline

from .factories import make_cast, submit_role_request

pytestmark = pytest.mark.django_db

ROLES = ("manager", "scope_manager", "scope_leader", "it", "auditor", "member")


def requests_in_several_states(cast, org) -> dict[str, AccountRequest]:
    def approved():
        request = services.account_request_manager_approve(request=submit_role_request(cast, org), by=cast.manager)
        return services.account_request_business_approve(request=request, by=cast.scope_manager)

    return {
        "submitted": submit_role_request(cast, org),
        "manager_approved": services.account_request_manager_approve(
            request=submit_role_request(cast, org), by=cast.manager
        ),
        "approved": approved(),
        "escalated": services.account_request_escalate(request=approved(), by=cast.it, reason="跨部门"),
    }


def buttons_of(obj: AccountRequest, user) -> tuple[dict[str, bool], dict[str, str]]:
    obj = AccountRequest.objects.get(pk=obj.pk)
    may = available_actions(obj, user, rules.REQUEST_BUTTONS)
    return may, {step: reverse("acct-request-step", args=[obj.pk, step]) for step in may}


def test_a3_1_a_request_page_shows_exactly_the_steps_its_viewer_may_take(client, org):
    cast = make_cast(org)
    requests = requests_in_several_states(cast, org)
    seen: dict[tuple[str, str], set] = {}
    for role in ROLES:
        user = getattr(cast, role)
        client.force_login(user)
        for state, obj in requests.items():
            may, urls = buttons_of(obj, user)
            page = reverse("acct-request-detail", args=[obj.pk])
            if client.get(page).status_code in (403, 404):  # not theirs to see: nothing theirs to do
                assert not any(may.values()), (role, state, may)
                seen[role, state] = set()
                continue
            prefix = page.rstrip("/").rsplit("/", 1)[0] + f"/{obj.pk}/"
            seen[role, state] = check_buttons(client, page, may, urls, prefixes=(prefix,))
    assert seen["manager", "submitted"] == {"manager-approve", "reject"}
    assert seen["scope_manager", "manager_approved"] == {"business-approve", "reject"}
    assert seen["it", "approved"] == {"complete", "escalate", "reject"}
    assert seen["scope_leader", "escalated"] == {"leader-approve", "reject"}
    # Nobody decides a request concerning themselves (issue 11), auditors decide nothing.
    assert all(not seen[role, state] for role in ("member", "auditor") for state in requests)
    assert not seen["manager", "manager_approved"] and not seen["it", "submitted"]


def test_a3_1_a_shown_step_is_taken_and_a_hidden_one_is_refused(client, org):
    cast = make_cast(org)
    obj = requests_in_several_states(cast, org)["submitted"]
    url = reverse("acct-request-step", args=[obj.pk, "manager-approve"])
    page = reverse("acct-request-detail", args=[obj.pk])
    # Hidden for the IT operator (the requester's manager approves first): refused with 403.
    client.force_login(cast.it)
    assert client.post(url).status_code == 403
    # Shown for the manager: taken.
    client.force_login(cast.manager)
    assert "manager-approve" in check_buttons(client, page, *buttons_of(obj, cast.manager))
    assert client.post(url).status_code == 302
    obj.refresh_from_db()
    assert obj.state == "manager_approved"
    # Now hidden (approved already): refused (409) with the reason, back on the request's page.
    assert "manager-approve" not in check_buttons(client, page, *buttons_of(obj, cast.manager))
    assert refused_inline(client, url, back_to=page)
