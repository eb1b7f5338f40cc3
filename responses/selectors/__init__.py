"""Reads of the responses app, by resource: ``orders`` (orders, steps and side work, each limited
by ``org.access.department_scope``), ``report`` (the monthly response report, R1.22),
``responsibility`` (non-cooperation, lost equipment, unreachable order admins: issue 13 §4) and ``side``
(equipment totals, R1.14; the hand-over sample, R1.20)."""

from .orders import *  # noqa: F403
from .report import *  # noqa: F403
from .responsibility import *  # noqa: F403
from .side import *  # noqa: F403
