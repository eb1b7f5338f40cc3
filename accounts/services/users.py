"""People's accounts (A3.2, issue 5 §4): set-password links, sessions, deactivation and the security log."""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from org.models import User
from sla import secrets
from sla.models import Notification
from sla.services import audit_record, notify

from ..models import ApiToken, Grant

log = logging.getLogger(__name__)


def password_link(user: User) -> str:
    """A one-time link to choose a password (Django's reset token: it stops working once the
    password is set, and after ``PASSWORD_RESET_TIMEOUT``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password-set", args=[uid, default_token_generator.make_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def password_link_send(*, user: User) -> None:
    """Send a new account holder the link to choose a first password (e-mail and SMS).

    The link is a secret (issue 11): the stored notices say ``[链接已隐藏]`` in its place and keep it
    sealed until the e-mail and the SMS carrying it are sent (``sla.secrets``)."""
    body = _(
        "An account %(username)s was opened for you on the Business Response Platform. "
        "Choose your password here within %(days)d days: %(link)s"
    ) % {"username": user.username, "link": secrets.PLACEHOLDER, "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
    notify(
        users=[user],
        subject=_("Your new account: choose a password"),
        body=body,
        channels=(Notification.Channel.EMAIL, Notification.Channel.SMS),
        secret=password_link(user),
    )


def _revoke(grants, by: User | None, reason: str) -> int:
    now = timezone.now()
    count = 0
    for grant in grants.select_for_update():
        grant.active, grant.revoked_at, grant.revoked_by, grant.revoke_reason = False, now, by, reason[:200]
        grant.save(update_fields=["active", "revoked_at", "revoked_by", "revoke_reason"])
        count += 1
    return count


def sessions_clear_expired() -> None:
    """Delete expired database sessions (Django keeps them until told; beat runs this daily)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def user_end_sessions(*, user: User) -> int:
    """Delete every live session of ``user`` (database sessions; expired ones are cleared daily, so
    the live ones are about one per person logged in within ``SESSION_COOKIE_AGE``)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def user_deactivate(*, user: User, by: User | None, reason: str) -> int:
    """All of a person's accounts: inactive here, grants revoked, API tokens deleted, sessions ended."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = _revoke(Grant.objects.filter(user=user, active=True), by, reason)
        tokens = ApiToken.objects.filter(user=user).delete()[0]
        sessions = user_end_sessions(user=user)
        audit_record(
            subject=user,
            actor=by,
            transition="deactivate",
            from_state="active" if was_active else "inactive",
            to_state="inactive",
            comment=f"{reason} ({revoked} grants, {tokens} tokens, {sessions} sessions)",
        )
    log.info("Deactivated %s: %s grants, %s tokens, %s sessions", user.username, revoked, tokens, sessions)
    return revoked


#: A3.2: a job change or departure is recorded from a year after it took effect (late paperwork)


def security_event_record(*, user: User | None, action: str, comment: str = "") -> None:
    """Login, logout and failed logins go to the audit trail (on the user when known)."""
    if user is None or user.pk is None:
        log.warning("security event %s: %s", action, comment)
        return
    audit_record(subject=user, actor=user if action != "login_failed" else None, transition=action, comment=comment)
