"""The buttons of a record's page (issue 12 §2): which actions may this person take on it now.

Each app's ``rules`` module has one predicate per action, ``(record, user) -> bool``, deciding who may
take it; for a transition it is the ``permission=`` of the model's ``@transition`` (checked by
``sla.workflow.apply_transition``), for any other action the service checks it (raising
``core.errors.Forbidden``). A page's table of buttons (``rules.<RECORD>_BUTTONS``) names, per button,
the transition or the ``(who, when)`` of the action, and ``available_actions`` answers the page's
``may`` (``{% if may.submit %}``), so a page shows a button exactly when the service would take it.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django_fsm import has_transition_perm

# A page's button (issue 12 §2): the name of a transition of the record, or, for an action that is no
# transition, ``(who, when)``: ``who(record, user) -> bool`` the predicate the service checks (raising
# Forbidden) and ``when(record) -> bool`` the state it needs (None: any).
Rule = str | tuple[Callable[[Any, Any], bool], Callable[[Any], bool] | None]


def may_take(instance, name: str, user) -> bool:
    """May ``user`` take transition ``name`` of ``instance`` now: its source state, its conditions and
    its ``permission=`` (what ``apply_transition`` will check)."""
    return user is not None and has_transition_perm(getattr(instance, name), user)


def available_actions(instance, user, buttons: Mapping[str, Rule]) -> dict[str, bool]:
    """``{button: may the user press it now}`` for each of a page's ``buttons`` (the app's
    ``rules.<RECORD>_BUTTONS``): a template shows a button only on ``{% if may.<button> %}``."""
    may = {}
    for button, rule in buttons.items():
        if isinstance(rule, str):
            may[button] = may_take(instance, rule, user)
        else:
            who, when = rule
            may[button] = (when is None or bool(when(instance))) and bool(who(instance, user))
    return may


