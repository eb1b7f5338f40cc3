"""Records of apps faults does not import (house.json has no arrow Faults → Orders): a complaint names a
business-response order by its number, checked here through a lookup the settings register.

``settings.FAULTS_RECORD_LOOKUPS`` maps a kind to the dotted path of ``scope(user) -> queryset`` of the
records that user may see (config wires ``"order"`` to ``responses.selectors.orders_visible_to``);
``visible_number(kind, user, number)`` says whether ``number`` is one of them. A kind nobody registered
accepts no number, so a complaint never names a record nobody can check.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def visible_number(kind: str, user, number: str) -> bool:
    path = getattr(settings, "FAULTS_RECORD_LOOKUPS", {}).get(kind)
    if not path:
        return False
    return import_string(path)(user).filter(number=number).exists()
