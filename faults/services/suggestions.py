"""F2.9 → F2.7 (issue 15 §4): the day's complaint counts suggest a higher level for open events (the beat
task ``faults.tasks.suggest_event_levels`` records them); someone confirms one on the event board and
the counts become the event's figures through ``event_apply_complaint_counts`` (the level follows)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import User
from sla.workflow import TransitionConflict

from ..models import EventLevelSuggestion, QualityEvent
from .events import event_apply_complaint_counts


def event_levels_suggest(*, day: date | None = None) -> list[EventLevelSuggestion]:
    """One suggestion per open event (and day) whose category's counts reach a level above its own; an
    applied suggestion is left as it is. Returns the suggestions recorded or updated."""
    from ..selectors import complaint_suggestions  # selectors import this package

    day = day or timezone.localdate()
    recorded = []
    for row in complaint_suggestions(day=day):
        c = row["counts"]
        reason = _("%(n)d complaints today, %(e)d escalated today, %(w)d escalated this week") % {
            "n": c["day"],
            "e": c["escalated_day"],
            "w": c["escalated_week"],
        }
        for event in row["events_to_raise"]:
            suggestion, created = EventLevelSuggestion.objects.get_or_create(
                event=event, day=day, defaults={"suggested_level": row["level"], "reason": reason}
            )
            if not created and suggestion.applied_at is None:
                suggestion.suggested_level, suggestion.reason = row["level"], reason
                suggestion.save(update_fields=["suggested_level", "reason"])
            recorded.append(suggestion)
    return recorded


def event_apply_suggestion(*, suggestion: EventLevelSuggestion, by: User) -> QualityEvent:
    """Confirm a suggestion: the day's counts become the event's figures (the event level service
    checks the person and the state), and the suggestion is marked applied, once."""
    with transaction.atomic():
        locked = EventLevelSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.applied_at is not None:
            raise TransitionConflict(_("This suggestion has been applied already."))
        event = event_apply_complaint_counts(event=locked.event, by=by, day=locked.day)
        locked.applied_at, locked.applied_by = timezone.now(), by
        locked.save(update_fields=["applied_at", "applied_by"])
    return event
