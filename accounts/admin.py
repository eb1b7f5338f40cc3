from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccountRequest, Department, Grant, HrEvent, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name", "side"]
    list_filter = ["side"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "department", "is_active", "is_staff"]
    list_filter = ["department", "groups", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Organisation"), {"fields": ("department", "phone")}),)
    actions = ["send_password_link"]

    @admin.action(description=_("Send a link to choose a new password (e-mail and SMS)"))
    def send_password_link(self, request, queryset):
        from .services import password_link_send

        users = [u for u in queryset if u.is_active]
        for user in users:
            password_link_send(user=user)
        self.message_user(request, _("Links sent to %(count)d people.") % {"count": len(users)})

    def save_related(self, request, form, formsets, change):
        """Role changes made here are audited like those made by account requests (issue 5)."""
        user = form.instance
        before = sorted(user.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            from sla.services import audit_record

            audit_record(
                subject=user,
                actor=request.user,
                transition="permissions_changed",
                from_state=",".join(before)[:30],
                to_state=",".join(after)[:30],
                comment=f"admin: {','.join(before) or '-'} -> {','.join(after) or '-'}",
            )


@admin.register(AccountRequest)
class AccountRequestAdmin(admin.ModelAdmin):
    """Read-only here: every step goes through accounts.services (pages and API)."""

    list_display = ["id", "kind", "state", "requester", "target_user", "system", "scope_department", "created_at"]
    list_filter = ["state", "kind", "scope_department"]
    list_select_related = ["requester", "target_user", "scope_department"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(AccountRequestAdmin):
    list_display = ["user", "system", "role", "department", "granted_at", "granted_by", "active", "revoked_at"]
    list_filter = ["active", "system", "role"]
    list_select_related = ["user", "department", "granted_by"]


@admin.register(HrEvent)
class HrEventAdmin(AccountRequestAdmin):
    list_display = ["user", "kind", "effective_on", "old_department", "new_department", "grants_revoked", "recorded_by"]
    list_filter = ["kind", "source"]
    list_select_related = ["user", "old_department", "new_department", "recorded_by"]
