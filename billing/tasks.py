from celery import shared_task

from . import services
from .models import BillRun


@shared_task(ignore_result=True)
def generate_invoices(run_id: int):
    return services.bill_run_generate_invoices(run=BillRun.objects.get(pk=run_id))


@shared_task(ignore_result=True)
def schedule_month_runs():
    """Beat (hourly, first at 00:00 on the 1st): the month just ended gets its bill and settlement runs
    (B4.2, B4.3); a run that exists is left alone. Returns how many were created."""
    return len(services.bill_runs_schedule_month())


@shared_task(ignore_result=True)
def resume_invoicing():
    """Beat: bill runs still in invoicing whose generation was never published or never finished."""
    return services.bill_runs_resume_invoicing()


@shared_task(ignore_result=True)
def scan_arrears():
    """B4.5: hourly; reminders follow BILLING_REMINDER_CYCLE_DAYS whatever the beat interval."""
    return services.arrears_scan()
