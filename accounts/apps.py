from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation and accounts")

    def ready(self):
        from sla.subjects import register_subject

        from . import selectors, signals  # noqa: F401  (signals: audit of logins)

        register_subject("account-request", "accounts.AccountRequest", selectors.account_requests_for)
