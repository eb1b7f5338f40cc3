"""Deadline-event handlers of the responses app (registered from ResponsesConfig.ready)."""

from org.models import Department
from sla.hooks import on_deadline_event, on_month_close

from .models import Order


@on_deadline_event("order-confirmation")
def auto_confirm(event) -> None:
    """R1.12: an order not confirmed within 2 days is confirmed automatically."""
    if event.kind != event.Kind.BREACH:
        return
    order = event.deadline.subject
    if isinstance(order, Order) and order.state == Order.State.COMPLETED:
        from .services import order_auto_confirm

        order_auto_confirm(order=order, at=event.fired_at)


@on_month_close
def decide_quota(month) -> None:
    """R1.4: at month close the quota determination is made for every front department."""
    from .services import month_close_quota

    for department in Department.objects.filter(side=Department.Side.FRONT):
        month_close_quota(department=department, year=month.year, month=month.month)


@on_month_close
def freeze_month_report(month) -> None:
    """R1.22: freeze the month's response report once the quota downgrades are decided (this handler is
    registered after ``decide_quota``); re-closing the month replaces the snapshot."""
    from django.utils import timezone

    from .models import MonthReport
    from .selectors import month_report_live

    report = month_report_live(year=month.year, month=month.month)
    MonthReport.objects.update_or_create(
        month=month.replace(day=1), defaults={"data": report.to_json(), "frozen_at": timezone.now()}
    )
