from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _span(delta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": minutes}
    return _("%(m)smin") % {"m": minutes}


@register.simple_tag
def time_left(due_at, closed_at=None, now=None):
    """Time left before ``due_at`` (or how late), as a small coloured label."""
    if due_at is None:
        return ""
    end = closed_at or now or timezone.now()
    delta = due_at - end
    if delta.total_seconds() >= 0:
        text = _("%(t)s left") % {"t": _span(delta)} if closed_at is None else _("on time")
        return format_html('<span class="ok" data-testid="time-left">{}</span>', text)
    return format_html('<span class="error" data-testid="late">{}</span>', _("%(t)s late") % {"t": _span(delta)})


@register.inclusion_tag("responses/_flags.html")
def key_flags(order):
    return {"order": order}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])


@register.filter
def reads_equipment(user) -> bool:
    """R1.14: whether the equipment totals page is the user's (the nav shows only links one may use, U6.2)."""
    from responses.selectors import reads_equipment as reads

    return reads(user)


@register.filter
def reads_handover_sample(user) -> bool:
    """R1.20: whether the quarterly hand-over sample is the user's."""
    from responses.selectors import reads_handover_sample as reads

    return reads(user)
