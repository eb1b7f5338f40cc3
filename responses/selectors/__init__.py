"""Reads of the responses app, by resource: ``orders`` (orders, steps and side work, each limited
by ``org.access.department_scope``) and ``report`` (the monthly response report, R1.22)."""

from .orders import *  # noqa: F403
from .report import *  # noqa: F403
