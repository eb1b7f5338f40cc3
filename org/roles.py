"""Roles and departments of SPEC §0.

Each role is a Django group whose name is the role's code; a person may hold several roles and
every permission check asks ``has_role``. ``Dept`` names the departments' codes (``Department.code``)
so that code asking "is this IT / the monitoring center?" says so by name, not by a bare string.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_ADMIN = "front_admin", _("Front-office order admin")
    LEADER = "leader", _("Director / leader in charge")
    DISPATCHER = "dispatcher", _("Center dispatcher")
    BACK_MEMBER = "back_member", _("Back-office member")
    BACK_ADMIN = "back_admin", _("Back-office admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    DEPT_MANAGER = "dept_manager", _("Department manager")
    VIEWER = "viewer", _("Manager / dashboard viewer")
    IT_OPERATOR = "it_operator", _("IT operator")
    AUDITOR = "auditor", _("Auditor (read-only)")


class Dept(models.TextChoices):
    """The departments of SPEC §0 by code; ``org.defaults.DEPARTMENTS`` gives their names and sides."""

    GOV_ENTERPRISE = "gov_enterprise"
    PUBLIC = "public"
    HOTLINE = "hotline"
    MARKET = "market"
    CENTER = "center"
    NMC = "nmc"
    LINE = "line"
    WIRELESS = "wireless"
    NETBUILD = "netbuild"
    NETMGMT = "netmgmt"
    VAS = "vas"
    IT = "it"
    CUSTSVC = "custsvc"
    OFFICE = "office"
    LEGAL = "legal"


def ensure_role_groups():
    """Create the group of every role; returns {code: Group}."""
    from django.contrib.auth.models import Group

    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}
