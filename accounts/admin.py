from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from org.models import Department, DutyContact, User

from .models import AccountRequest, ApiToken, Grant, HrEvent


class DutyContactInline(admin.TabularInline):
    """The department's 24-hour contact persons (seed 003 第八条)."""

    model = DutyContact
    extra = 0
    fields = ["name", "phone", "user", "on_duty_from", "on_duty_until", "note"]
    raw_id_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name", "side"]
    list_filter = ["side"]
    inlines = [DutyContactInline]


@admin.register(DutyContact)
class DutyContactAdmin(admin.ModelAdmin):
    list_display = ["department", "name", "phone", "on_duty_from", "on_duty_until"]
    list_filter = ["department"]
    search_fields = ["name", "phone"]
    list_select_related = ["department"]
    raw_id_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "department", "is_active", "is_staff"]
    list_filter = ["department", "groups", "is_active"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Organisation"), {"fields": ("department", "phone")}))
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issue 11.6: lists and shows a token's prefix, never its key (only a digest is stored).

    "Add" issues a token through ``accounts.services.api_token_issue`` and shows the key on the next
    page, once (not in a message: messages are kept in the session or a cookie until shown);
    deleting revokes through ``api_token_revoke``."""

    list_display = ["prefix", "name", "user", "created_at", "created_by"]
    list_filter = ["created_at"]
    list_select_related = ["user", "created_by"]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "created_by"]
    readonly_fields = ["prefix", "created_at", "created_by"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or revoked, never edited

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_active=True)  # an inactive user is refused by the form
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        from .services import api_token_issue

        key = api_token_issue(user=obj.user, by=request.user, name=obj.name)
        saved = ApiToken.objects.get(digest=ApiToken.digest_of(key))
        obj.pk, obj.prefix, obj.digest, obj.created_at, obj.created_by = (
            saved.pk,
            saved.prefix,
            saved.digest,
            saved.created_at,
            saved.created_by,
        )
        request._api_token_key = key

    def response_add(self, request, obj, post_url_continue=None):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "token": obj}
        response = TemplateResponse(
            request, "admin/accounts/apitoken/issued.html", {**context, "key": request._api_token_key}
        )
        add_never_cache_headers(response)
        return response

    def delete_model(self, request, obj):
        from .services import api_token_revoke

        api_token_revoke(token=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        from .services import api_token_revoke

        for token in queryset.select_related("user"):
            api_token_revoke(token=token, by=request.user)
