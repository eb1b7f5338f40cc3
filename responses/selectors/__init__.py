"""Reads of the responses app, by resource: ``orders`` (orders, steps and side work, each limited
by ``org.access.department_scope``), ``report`` (the monthly response report, R1.22) and
``responsibility`` (non-cooperation, lost equipment, unreachable order admins: issue 13 §4)."""

from .orders import *  # noqa: F403
from .report import *  # noqa: F403
from .responsibility import *  # noqa: F403
