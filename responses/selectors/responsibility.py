"""Reads of the responsibility records (issue 13 §4): the Center, viewers and auditors see all; a
department the records that name it and those on its own orders."""

from org.access import department_scope

from ..models import AdminUnreachable, LostEquipment, NonCooperation

__all__ = ["admin_unreachable_visible_to", "lost_equipment_visible_to", "noncooperation_visible_to"]


def noncooperation_visible_to(user):
    qs = NonCooperation.objects.select_related("order", "department", "step", "recorded_by")
    return department_scope(user, qs, "department", "order__front_department").order_by("-recorded_at", "-id")


def lost_equipment_visible_to(user):
    qs = LostEquipment.objects.select_related("order", "charged_department", "recorded_by")
    return department_scope(user, qs, "charged_department").order_by("-recorded_at", "-id")


def admin_unreachable_visible_to(user):
    qs = AdminUnreachable.objects.select_related("order", "department", "person", "recorded_by")
    return department_scope(user, qs, "department", "order__front_department").order_by("-tried_at", "-id")
