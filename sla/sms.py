"""Pluggable SMS gateway (S5.4). ``settings.SMS_BACKEND`` names the class.

The default backend writes each message to the log; a real gateway is a class
with the same ``send`` method.
"""

import logging
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("sla.sms")


class LoggingSmsBackend:
    def send(self, phone: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        log.info("SMS %s to %s: %s", message_id, phone, text.replace("\n", " / "))
        return message_id


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
