"""REST API of the faults app, mounted under /api/v1/ (the router is merged in config/urls.py)."""

from .tickets import router

__all__ = ["router"]
