"""Thin Celery tasks of the responses app: each calls one service."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def send_equipment_needs():
    """R1.14: run on the 1st and 16th of each month by beat; totals what open orders need."""
    report = services.equipment_send_half_month()
    return {"report": report.pk, "totals": report.totals}
