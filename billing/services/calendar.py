"""When a bill or settlement run is due and who runs it (B4.2, B4.3): the calendar the beat follows.

The run of month M must finish before 00:00 (Asia/Shanghai) on the 2nd (bill run) or the 10th
(settlement run) of M+1; IT is warned ``BILLING_RUN_WARN_BEFORE_MINUTES`` earlier (default 240: 20:00
on the 1st / 9th). The on-duty IT operator is a setting, ``BILLING_ON_DUTY_OPERATOR`` (a username).
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from org.models import User
from org.roles import Dept, Role
from sla.validators import add_months

from ..models import BillRun

log = logging.getLogger(__name__)

# B4.2 / B4.3: the whole run must finish before 00:00 (Asia/Shanghai) on this day of the next month.
ANNOUNCE_DAY: dict[str, int] = {BillRun.Kind.BILLING: 2, BillRun.Kind.SETTLEMENT: 10}


def run_due_at(*, kind: str, period: date) -> datetime:
    """00:00 (local time) on the 2nd / 10th of the month after ``period``."""
    day = add_months(period.replace(day=1), 1).replace(day=ANNOUNCE_DAY[kind])
    return timezone.make_aware(datetime.combine(day, time.min))


def run_warn_at(*, kind: str, period: date) -> datetime:
    """When IT is warned that the run's deadline is near (a setting; 20:00 the evening before by default)."""
    return run_due_at(kind=kind, period=period) - timedelta(minutes=settings.BILLING_RUN_WARN_BEFORE_MINUTES)


def month_to_run(*, today: date | None = None) -> date:
    """The month whose runs the calendar creates: the one just ended (first day)."""
    return add_months((today or timezone.localdate()).replace(day=1), -1)


def it_operators():
    return User.objects.filter(is_active=True, department__code=Dept.IT, groups__name=str(Role.IT_OPERATOR))


def on_duty_operator() -> User | None:
    """The IT operator named by ``BILLING_ON_DUTY_OPERATOR``; blank, the active IT operator with the lowest id.

    A name that is no active IT operator is logged and falls back the same way, so a stale setting never
    leaves a run with an outsider as its operator.
    """
    operators = it_operators().order_by("pk")
    name = settings.BILLING_ON_DUTY_OPERATOR
    if name:
        named = operators.filter(username=name).first()
        if named is not None:
            return named
        log.warning("BILLING_ON_DUTY_OPERATOR=%r is no active IT operator; taking the first one", name)
    return operators.first()
