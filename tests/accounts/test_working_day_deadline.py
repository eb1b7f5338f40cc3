"""A3.3: IT's 1-working-day limit follows the Chinese holiday calendar, 调休 Saturdays included."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts import services
from accounts.models import AccountRequest
from sla.models import Deadline
from tests.accounts.factories import make_cast, submit_role_request

pytestmark = pytest.mark.django_db
CST = timezone.get_fixed_timezone(8 * 60)


@pytest.mark.parametrize(
    "approved, due",
    [
        # Wednesday before National Day: 1 Oct - 7 Oct 2026 are holidays, Thursday 8 Oct is the next working day.
        (datetime(2026, 9, 30, 10, 0), datetime(2026, 10, 8, 10, 0)),
        # Friday 9 Oct: Saturday 10 Oct 2026 is a declared working day (调休).
        (datetime(2026, 10, 9, 15, 30), datetime(2026, 10, 10, 15, 30)),
        # Approved on the working Saturday: Sunday 11 Oct is a rest day, due Monday 12 Oct.
        (datetime(2026, 10, 10, 9, 0), datetime(2026, 10, 12, 9, 0)),
        # Approved during the holiday: counting starts at 00:00 of 8 Oct, due at the end of 8 Oct.
        (datetime(2026, 10, 3, 11, 0), datetime(2026, 10, 9, 0, 0)),
    ],
)
def test_A3_3_it_deadline_counts_one_working_day_across_national_day_and_the_working_saturday(org, approved, due):
    cast = make_cast(org)
    request = submit_role_request(cast, org)
    services.account_request_manager_approve(request=request, by=cast.manager)
    with time_machine.travel(approved.replace(tzinfo=CST), tick=False):
        request = services.account_request_business_approve(request=request, by=cast.scope_manager)
    deadline = Deadline.objects.get(object_id=request.pk, kind="account-request")
    assert request.state == AccountRequest.State.APPROVED
    assert deadline.clock == "working_days"
    assert deadline.started_at == approved.replace(tzinfo=CST)
    assert timezone.localtime(deadline.due_at).replace(tzinfo=None) == due
