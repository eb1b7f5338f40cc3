from celery import shared_task

from . import services
from .models import BillRun


@shared_task(ignore_result=True)
def generate_invoices(run_id: int):
    return services.bill_run_generate_invoices(run=BillRun.objects.get(pk=run_id))
