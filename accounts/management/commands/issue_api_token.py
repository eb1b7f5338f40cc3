"""Issue an API token (issue 11.6): the key is printed once and stored only as its digest."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_token_issue
from org.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user and print its key once (only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for (shown in the admin)")
        parser.add_argument("--by", help="user name of the operator issuing it (audited)")

    def handle(self, *args, username, name, by, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        operator = None
        if by:
            operator = User.objects.filter(username=by, is_active=True).first()
            if operator is None:
                raise CommandError(f"No active user {by!r}")
        try:
            key = api_token_issue(user=user, by=operator, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(key)
