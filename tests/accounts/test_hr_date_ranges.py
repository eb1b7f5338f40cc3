"""Issue 11 §4, A3.2: a job change or departure is effective from a year back to a year ahead — checked
in ``hr_event_record`` so the page, the API, a CSV file and the import command refuse the same dates,
with a Chinese message, and nothing is recorded or applied."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import HrEvent
from org.models import User
from tests.accounts.factories import make_cast

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SH)


@pytest.fixture
def cast(org):
    return make_cast(org)


def untouched(cast):
    return not HrEvent.objects.exists() and User.objects.get(pk=cast.member.pk).is_active


@pytest.mark.parametrize(
    "effective_on, fragment",
    [
        (date(320, 1, 1), "2000"),
        (date(2025, 11, 1), "生效后一年"),
        (date(2027, 12, 1), "提前一年"),
        (date(9999, 1, 1), "2000"),
    ],
)
def test_A3_2_effective_date_within_a_year_either_side_service(cast, effective_on, fragment):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.hr_event_record(user=cast.member, kind=HrEvent.Kind.DEPARTURE, by=cast.it, effective_on=effective_on)
    assert fragment in exc.value.message_dict["effective_on"][0]
    assert untouched(cast)


@pytest.mark.parametrize("effective_on", [date(2025, 11, 18), date(2027, 11, 18)])
def test_A3_2_the_edges_of_the_window_are_recorded(cast, effective_on):
    with time_machine.travel(NOW, tick=False):
        event = services.hr_event_record(
            user=cast.member, kind=HrEvent.Kind.DEPARTURE, by=cast.it, effective_on=effective_on
        )
    assert event.effective_on == effective_on


@pytest.mark.parametrize("effective_on", ["0320-01-01", "2025-01-01", "2028-06-01", "9999-12-31"])
def test_A3_2_api_answers_400_on_effective_on(cast, effective_on):
    api = APIClient()
    api.force_authenticate(cast.it)
    with time_machine.travel(NOW, tick=False):
        r = api.post("/api/v1/hr-events/", {"user": "m1", "kind": "departure", "effective_on": effective_on})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["effective_on"], r.content
    assert untouched(cast)


def test_A3_2_page_shows_the_error_on_the_form(cast, client):
    client.force_login(cast.it)
    with time_machine.travel(NOW, tick=False):
        r = client.post(reverse("acct-hr"), {"user": cast.member.pk, "kind": "departure", "effective_on": "0320-01-01"})
    assert r.status_code == 200 and r.context["form"].errors.get("effective_on")
    assert untouched(cast)


def test_A3_2_csv_names_the_line_and_records_nothing(cast, client, tmp_path):
    text = "username,kind,effective_on\nm1,departure,2026-11-20\nm1,departure,0320-01-01\n"
    client.force_login(cast.it)
    with time_machine.travel(NOW, tick=False):
        r = client.post(reverse("acct-hr-import"), {"file": SimpleUploadedFile("hr.csv", text.encode())}, follow=True)
    shown = [str(m) for m in r.context["messages"]]
    assert any(m.startswith("第 3 行") and "2000" in m for m in shown), shown
    assert untouched(cast)
    path = tmp_path / "hr.csv"
    path.write_text(text, encoding="utf-8")
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="第 3 行"):
        call_command("import_hr_events", str(path), "--by", "it1")
    assert untouched(cast)
