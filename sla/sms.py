"""Pluggable SMS gateway (S5.4). ``settings.SMS_BACKEND`` names the class.

The default backend writes each message to the log (links and tokens hidden:
``sla.secrets.redact``); a real gateway is a class with the same ``send`` method.
"""

import logging
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from .secrets import redact

log = logging.getLogger("sla.sms")


class LoggingSmsBackend:
    """Writes each message to the log, links and tokens hidden (a first-password link is a secret)."""

    def send(self, phone: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        log.info("SMS %s to %s: %s", message_id, phone, redact(text).replace("\n", " / "))
        return message_id


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
