"""API tokens (issue 11.6): issued once, kept only as a digest, revocable."""

import logging
from secrets import token_urlsafe

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import User
from sla.services import audit_record

from ..models import ApiToken

log = logging.getLogger(__name__)


def api_token_issue(*, user: User, by: User | None = None, name: str = "") -> str:
    """A new API key for ``user``: returned once, stored only as its SHA-256 digest; audited (the
    audit entry names the key's prefix, never the key)."""
    if not user.is_active:
        raise ValidationError(_("An inactive user cannot be given an API token."))
    key = token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=key[: ApiToken.PREFIX_LENGTH],
            digest=ApiToken.digest_of(key),
            created_by=by if (by is not None and by.is_authenticated) else None,
        )
        audit_record(
            subject=user,
            actor=by,
            transition="api_token_issue",
            to_state=token.prefix,
            comment=f"API token {token.prefix}… {name}".strip(),
        )
    log.info("API token %s… issued to %s", token.prefix, user.username)
    return key


def api_token_revoke(*, token: ApiToken, by: User | None = None) -> None:
    """Delete ``token`` (the next request with it is refused); audited on its user."""
    with transaction.atomic():
        deleted = ApiToken.objects.filter(pk=token.pk).delete()[0]
        if deleted:
            audit_record(
                subject=token.user,
                actor=by,
                transition="api_token_revoke",
                from_state=token.prefix,
                comment=f"API token {token.prefix}… {token.name}".strip(),
            )
    if deleted:
        log.info("API token %s… of %s revoked", token.prefix, token.user.username)
