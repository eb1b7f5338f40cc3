"""Issue 12 §1 on pages: one way to run an action and show why it was refused (core.views): a button
refused by the record's state (Conflict) comes back to the record's page with the reason inline; a wrong
person or record the view let through answers its status with the reason and a way back
(core.middleware.DomainErrorMiddleware)."""

from datetime import date

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from billing import services
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.views import NOT_RUN, REFUSED, form_action, run_action
from tests.billing.conftest import it_team, make_service  # noqa: F401 - fixtures shared with billing
from tests.billing.test_bill_runs import ALL_CHECKS
from tests.pages import refused_inline

pytestmark = pytest.mark.django_db


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _raises(exc):
    def service(**kwargs):
        raise exc

    return service


def test_run_action_answers_true_and_passes_the_keywords():
    seen = {}
    assert run_action(_request(), lambda **kw: seen.update(kw), order=1, request="r") is True
    assert seen == {"order": 1, "request": "r"}


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (Invalid("整体有误"), ["整体有误"]),
        (Invalid("有误", fields={"a": ["甲错"], "b": ["乙错"]}), ["甲错", "乙错"]),
        (ValidationError({"a": ["甲错"]}), ["甲错"]),
        (ValidationError("日期不对"), ["日期不对"]),
    ],
)
def test_run_action_shows_refused_input_as_error_messages(exc, shown):
    request = _request()
    assert run_action(request, _raises(exc)) is False
    found = list(messages.get_messages(request))
    assert [m.message for m in found] == shown and all(m.level == messages.ERROR for m in found)


def test_run_action_shows_a_wrong_state_as_a_refused_message():
    request = _request()
    assert run_action(request, _raises(Conflict("晚了"))) is False
    found = list(messages.get_messages(request))
    assert [(m.message, m.level, m.extra_tags) for m in found] == [("晚了", messages.ERROR, REFUSED)]


@pytest.mark.parametrize("exc", [Forbidden("不是你"), NotFound("没有")])
def test_run_action_lets_a_wrong_person_or_record_through_to_the_middleware(exc):
    with pytest.raises(type(exc)):
        run_action(_request(), _raises(exc))


class MonthForm(forms.Form):
    month = forms.CharField()


def test_form_action_puts_field_messages_on_their_fields():
    form = MonthForm({"month": "2026-13"})
    assert form.is_valid()
    assert form_action(form, _raises(Invalid("有误", fields={"month": ["没有十三月"], "other": ["别处"]}))) is NOT_RUN
    assert form.errors["month"] == ["没有十三月"] and form.non_field_errors() == ["别处"]
    form = MonthForm({"month": "x"})
    assert form.is_valid()
    assert form_action(form, _raises(ValidationError("整体有误"))) is NOT_RUN
    assert form.non_field_errors() == ["整体有误"]
    assert form_action(MonthForm({"month": "1"}), lambda **kw: kw, by="me") == {"by": "me"}


def _run_in_verifying(team):
    make_service(monthly="3000.00")
    run = services.bill_run_schedule(period=date(2026, 10, 1))
    run = services.bill_run_start_check(run=run, by=team["operator"])
    run = services.bill_run_sign_check(run=run, by=team["operator"], checklist=ALL_CHECKS)
    return services.bill_run_finish_preprocessing(run=run, by=team["operator"])


def test_b4_2_a_forbidden_page_action_keeps_its_status_and_links_back_a_wrong_state_is_shown_inline(
    client, it_team  # noqa: F811
):
    run = _run_in_verifying(it_team)
    page = reverse("billing:run", args=[run.pk])
    client.force_login(it_team["operator"])
    url = reverse("billing:run-action", args=[run.pk, "verify"])
    refused = client.post(url, HTTP_REFERER=f"http://testserver{page}")
    html = refused.content.decode()
    assert refused.status_code == 403 and "操作人不能复核自己的出账" in html
    assert 'data-error-code="forbidden"' in html and f'href="http://testserver{page}"' in html
    # No referer, or one from another site: the link goes back in the browser's history instead.
    for headers in ({}, {"HTTP_REFERER": "https://elsewhere.example/phish"}):
        html = client.post(url, **headers).content.decode()
        assert "data-history-back" in html and "elsewhere" not in html
    client.force_login(it_team["second"])
    assert client.post(url).status_code == 302
    # Verified already (409): back on the run's page, the reason at the top of its actions.
    assert "无法" in refused_inline(client, url, back_to=page)


def test_b4_2_an_unticked_checklist_is_an_error_message_on_the_run_page(client, it_team):  # noqa: F811
    make_service(monthly="3000.00")
    run = services.bill_run_start_check(
        run=services.bill_run_schedule(period=date(2026, 10, 1)), by=it_team["operator"]
    )
    client.force_login(it_team["operator"])
    response = client.post(reverse("billing:run-action", args=[run.pk, "sign-check"]), {"check": []}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("billing:run", args=[run.pk])
    assert "签署前必须逐项检查" in response.content.decode()
    run.refresh_from_db()
    assert run.state == "checking"
