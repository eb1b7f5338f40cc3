"""Issue 12 §2 acceptance, responses: an order's page shows no button its viewer cannot use, and every
button they can (matrix: front-office admin, Center dispatcher, a back-office member × orders in
several states). The buttons come from responses.rules through core.actions.available_actions, the
same predicates the transitions' permission= and the services check."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.actions import available_actions
from responses import rules, services
from responses.models import Order
from tests.pages import check_buttons, refused_inline
from tests.responses.factories import make_order

pytestmark = pytest.mark.django_db

ROLES = ("zq_admin", "dispatcher", "jk_member")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def orders_in_several_states(people, cat, org) -> dict[str, Order]:
    zq, center = people["zq_admin"], people["dispatcher"]
    draft = make_order(zq, cat["phone"])
    submitted = services.order_submit(order=make_order(zq, cat["phone"]), by=zq)
    accepted = services.order_accept(order=services.order_submit(order=make_order(zq, cat["phone"]), by=zq), by=center)
    expansion = make_order(zq, cat["expansion"], fill_rate=Decimal("92"), quantity_to_add=50)
    expansion = services.order_accept(order=services.order_submit(order=expansion, by=zq), by=center)
    in_progress = services.order_dispatch(
        order=expansion, by=center, steps=[(org["nmc"], "核实调配"), (org["line"], "布线")]
    )
    cancelled = services.order_cancel(order=make_order(zq, cat["phone"]), by=zq)
    return {
        "draft": draft,
        "submitted": submitted,
        "accepted": accepted,
        "in_progress": in_progress,
        "cancelled": cancelled,
    }


RESPONSIBILITY_FORMS = {
    "noncooperation": "responses:noncoop-record",
    "lost_equipment": "responses:lost-record",
    "admin_unreachable": "responses:unreachable-record",
}


def buttons_of(order: Order, user) -> tuple[dict[str, bool], dict[str, str]]:
    """What core.actions allows ``user`` on the order, its steps and special orders now, and each
    button's URL on the order's page."""
    order = Order.objects.get(pk=order.pk)
    may, urls = {}, {}
    for name, ok in available_actions(order, user, rules.ORDER_BUTTONS).items():
        may[name] = ok
        if name == "expansion":
            urls[name] = reverse("responses:expansion-raise", args=[order.pk])
        elif name == "recovery":
            urls[name] = reverse("responses:recovery-record", args=[order.pk])
        elif name in RESPONSIBILITY_FORMS:  # issue 13 §4
            urls[name] = reverse(RESPONSIBILITY_FORMS[name], args=[order.pk])
        else:
            urls[name] = reverse("responses:action", args=[order.pk, name.replace("_", "-")])
    for step in order.steps.all():
        for name, ok in available_actions(step, user, rules.STEP_BUTTONS).items():
            may[f"step{step.pk}.{name}"] = ok
            urls[f"step{step.pk}.{name}"] = reverse("responses:step-action", args=[step.pk, name.replace("_", "-")])
    return may, urls


def test_r1_1_r1_3_r1_8_an_order_page_shows_exactly_the_buttons_its_viewer_may_press(people, cat, org):
    orders = orders_in_several_states(people, cat, org)
    seen: dict[tuple[str, str], set] = {}
    for role in ROLES:
        user, client = people[role], client_for(people[role])
        for state, order in orders.items():
            may, urls = buttons_of(order, user)
            page = reverse("responses:detail", args=[order.pk])
            if client.get(page).status_code in (403, 404):  # not theirs to see: nothing theirs to do
                assert not any(may.values()), (role, state, may)
                seen[role, state] = set()
                continue
            seen[role, state] = check_buttons(
                client,
                page,
                may,
                urls,
                prefixes=(f"/orders/{order.pk}/", "/orders/steps/", "/orders/special/"),
                links=("expansion", "recovery"),
            )
    # The matrix is not empty where it matters: each role has its buttons somewhere, and not everywhere.
    assert {"submit", "cancel", "attach"} <= seen["zq_admin", "draft"]
    assert {"accept", "clarify", "notes", "no_resources", *RESPONSIBILITY_FORMS} <= seen["dispatcher", "submitted"]
    assert "dispatch" in seen["dispatcher", "accepted"]
    step = orders["in_progress"].steps.get(department=org["nmc"])
    assert {f"step{step.pk}.accept", f"step{step.pk}.special_order", "attach", "expansion"} <= seen[
        "jk_member", "in_progress"
    ]
    other = orders["in_progress"].steps.get(department=org["line"])
    assert not {name for name in seen["jk_member", "in_progress"] if name.startswith(f"step{other.pk}.")}
    assert seen["jk_member", "draft"] == set() and seen["zq_admin", "cancelled"] == {"attach"}
    assert not seen["dispatcher", "draft"] & {"submit", "cancel", "attach"}


def test_r1_3_a_shown_button_is_carried_out_and_a_hidden_one_is_refused(people, cat, org):
    orders = orders_in_several_states(people, cat, org)
    submitted = orders["submitted"]
    center, zq = client_for(people["dispatcher"]), client_for(people["zq_admin"])
    # Hidden for the front office (the Center accepts, R1.3): refused with 403.
    assert zq.post(reverse("responses:action", args=[submitted.pk, "accept"])).status_code == 403
    # Shown for the Center: carried out.
    response = center.post(reverse("responses:action", args=[submitted.pk, "accept"]), follow=True)
    assert response.status_code == 200 and Order.objects.get(pk=submitted.pk).state == "accepted"
    # Now hidden for the Center too (accepted already): refused (409) with the reason, back on the order.
    page = reverse("responses:detail", args=[submitted.pk])
    assert "accept" not in check_buttons(center, page, *buttons_of(submitted, people["dispatcher"]))
    assert refused_inline(center, reverse("responses:action", args=[submitted.pk, "accept"]), back_to=page)
    # R1.8: a step of another department is not the back office's to see (404, issue 12 §2), its own is accepted.
    in_progress = orders["in_progress"]
    jk = client_for(people["jk_member"])
    other = in_progress.steps.get(department=org["line"])
    assert jk.post(reverse("responses:step-action", args=[other.pk, "accept"])).status_code == 404
    own = in_progress.steps.get(department=org["nmc"])
    assert jk.post(reverse("responses:step-action", args=[own.pk, "accept"]), {"next": page}).status_code == 302
    own.refresh_from_db()
    assert own.state == "accepted"
