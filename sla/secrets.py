"""Secrets in notices (issue 11): a first-password link, a token — never stored readable, never logged.

A notice that carries a secret is stored with ``PLACEHOLDER`` where the secret goes, so its body is
safe to show (admin, inbox, audit). The secret itself travels beside it on the row, sealed (Fernet:
AES-128-CBC + HMAC-SHA256) with a key derived from ``SECRET_KEY``, and only for as long as the notice
is undelivered: delivery unseals it into the e-mail or SMS it sends, and the seal is wiped once the
row is sent or has failed for good. Retries (``retry_stale``) unseal the same secret again, so the
person gets the very link that was made for them.

``redact`` is for logs: it hides links and token-like strings in a text.
"""

import base64
import hashlib
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

# What the stored body shows where the secret goes (the platform speaks Chinese; the link is hidden).
PLACEHOLDER = "[链接已隐藏]"

# A link, or a run of 20+ letters, digits or _ (the hash of a Django reset token, a DRF 40-hex API token).
_SECRET_LOOKING = re.compile(r"https?://\S+|[A-Za-z0-9_]{20,}")


class SecretUnreadable(ValueError):
    """The sealed secret cannot be opened (``SECRET_KEY`` changed since it was sealed)."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"sla.secrets:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("the sealed secret cannot be opened (was SECRET_KEY changed?)") from exc


def reveal(text: str, sealed: str) -> str:
    """``text`` with the secret sealed in ``sealed`` put where ``PLACEHOLDER`` stands."""
    return text.replace(PLACEHOLDER, unseal(sealed)) if sealed else text


def redact(text: str) -> str:
    """``text`` with links and token-like strings replaced by ``PLACEHOLDER`` (for logs)."""
    return _SECRET_LOOKING.sub(PLACEHOLDER, text)
