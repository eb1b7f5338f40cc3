"""Close (or re-close) a month: freeze its deadline figures and run the month-close handlers."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sla.services import month_close


class Command(BaseCommand):
    help = "Close a month, e.g. `manage.py close_month 2026-10` (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args, month, **options):
        try:
            year, number = (int(x) for x in month.split("-"))
            first = date(year, number, 1)
        except ValueError as exc:
            raise CommandError("month must be YYYY-MM") from exc
        month_close(month=first)
        self.stdout.write(f"closed {first:%Y-%m}")
