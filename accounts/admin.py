from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name", "side"]
    list_filter = ["side"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "department", "is_active", "is_staff"]
    list_filter = ["department", "groups", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Organisation"), {"fields": ("department", "phone")}),)
