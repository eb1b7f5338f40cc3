"""Login, logout and failed logins in the audit trail (issue 5 §4)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="accounts-audit-login")
def audit_login(sender, request, user, **kwargs):
    services.security_event_record(user=user, action="login", comment=_ip(request))


@receiver(user_logged_out, dispatch_uid="accounts-audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        services.security_event_record(user=user, action="logout", comment=_ip(request))


@receiver(user_login_failed, dispatch_uid="accounts-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    services.security_event_record(user=user, action="login_failed", comment=f"{username} {_ip(request)}".strip())
