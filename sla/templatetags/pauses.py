"""``{% pause_panel subject user as panel %}``: a subject's pauses and the buttons this person may press
(S5.3), from the predicates the pause services check (``sla.pause_rules``)."""

from django import template
from django.contrib.contenttypes.models import ContentType

from core.actions import available_actions

from .. import pause_rules
from ..models import Pause
from ..services.pauses import pause_reasons_for

register = template.Library()


@register.simple_tag
def pause_panel(subject, user) -> dict:
    pauses = list(
        Pause.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)
        .select_related("reason", "requested_by", "decided_by")
        .order_by("-requested_at", "-id")[:5]
    )
    current = next((p for p in pauses if p.state in Pause.OPEN_STATES), None)
    may = available_actions(current, user, pause_rules.PAUSE_BUTTONS) if current else {}
    reasons = [] if current else pause_reasons_for(subject, user)
    return {
        "label": subject._meta.label_lower,
        "subject": subject,
        "current": current,
        "may": may,
        "reasons": reasons,
        "history": [p for p in pauses if p is not current],
    }
