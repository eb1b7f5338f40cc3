"""REST API of the deadline engine, mounted under /api/v1/ by config/urls.py: one module per resource
(the inbox, deadlines, pauses)."""

from .deadlines import DeadlineSerializer, DeadlineViewSet
from .inbox import InboxViewSet
from .pauses import PauseViewSet

__all__ = ["DeadlineSerializer", "DeadlineViewSet", "InboxViewSet", "PauseViewSet"]
