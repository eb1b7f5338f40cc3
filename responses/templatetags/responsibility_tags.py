"""The choices of the order page's responsibility block (responses/_order_responsibility.html)."""

from django import template

from org.models import Department, User
from org.roles import Role

register = template.Library()


@register.simple_tag
def responsibility_choices() -> dict:
    """Every department (front and back: §三.14, §四.2) and every order admin (§四.16)."""
    return {
        "departments": list(Department.objects.order_by("side", "code")),
        "admins": list(
            User.objects.filter(is_active=True, groups__name__in=[Role.FRONT_ADMIN, Role.BACK_ADMIN])
            .select_related("department")
            .distinct()
            .order_by("department__code", "username")
        ),
    }
