"""What each app tells the pause engine about its subjects (S5.3, issue 13 §3).

The engine (``sla``, floor 1) knows no order, step or ticket; each app registers its subjects from
``AppConfig.ready()``:

    register_pause_subject(
        "responses.workstep",
        involved=lambda step, user: ...,      # works on it: may request a pause (with a reason's role)
        approver=lambda step, user: ...,      # the one who decides (with a reason's approve role)
        can_pause=lambda step: ...,           # the state allows a pause now
        linked=lambda step: [(order, "order-provisioning")],  # other clocks that stop with it (R1.10)
        on_approve=..., on_end=...,           # the subject's own state follows (step paused / accepted)
        holds=lambda deadline: ...,           # the app still stops this clock (an approved special order)
        lookup=selectors.get_step_for,        # (user, pk) -> the subject if the person may see it, else NotFound
        url=lambda step: ...,                 # the page the pause buttons return to
    )
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _never(*args) -> bool:
    return False


def _nothing(*args, **kwargs) -> None:
    return None


@dataclass(frozen=True)
class PauseSubject:
    label: str
    involved: Callable[[Any, Any], bool] = _never
    approver: Callable[[Any, Any], bool] = _never
    can_pause: Callable[[Any], bool] = _never
    linked: Callable[[Any], list[tuple[Any, str | None]]] = field(default=lambda subject: [])
    on_approve: Callable[..., None] = _nothing
    on_end: Callable[..., None] = _nothing
    # Something of the app's own still stops this deadline (an approved special order, R1.10): the
    # pause's end leaves it paused.
    holds: Callable[[Any], bool] = _never
    lookup: Callable[[Any, Any], Any] | None = None
    url: Callable[[Any], str] = field(default=lambda subject: "/")


_SUBJECTS: dict[str, PauseSubject] = {}


def register_pause_subject(label: str, **kwargs) -> PauseSubject:
    _SUBJECTS[label] = PauseSubject(label=label, **kwargs)
    return _SUBJECTS[label]


def registered(label: str) -> PauseSubject | None:
    return _SUBJECTS.get(label)


def pause_subject(subject) -> PauseSubject:
    """The registration of ``subject``'s model (an unregistered model: nobody may pause it)."""
    return _SUBJECTS.get(subject._meta.label_lower) or PauseSubject(label=subject._meta.label_lower)
