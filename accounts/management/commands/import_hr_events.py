"""Apply HR's job-change / departure records from a CSV file (A3.2)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import CSV_COLUMNS, hr_events_import_csv
from org.models import User


class Command(BaseCommand):
    help = f"Import HR records from a UTF-8 CSV file with the columns {','.join(CSV_COLUMNS)}; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--by", required=True, help="user name of the IT operator recording them")

    def handle(self, *args, path, by, **options):
        operator = User.objects.filter(username=by, is_active=True).first()
        if operator is None:
            raise CommandError(f"No active user {by!r}")
        with open(path, encoding="utf-8-sig") as handle:
            events, errors = hr_events_import_csv(data=handle.read(), by=operator)
        if errors:
            raise CommandError("\n".join(str(e) for e in errors))
        self.stdout.write(f"{len(events)} HR records applied.")
