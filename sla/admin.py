from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from org.roles import Role

from .models import (
    AuditEntry,
    Deadline,
    DeadlineEvent,
    EscalationLadder,
    EscalationRung,
    HolidayOverride,
    Notification,
    Pause,
    PauseReason,
    SlaPolicy,
)
from .validators import SaneDatesFormMixin


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "level", "duration", "clock", "warn_before", "ladder", "description"]
    list_filter = ["kind", "clock"]


class RungInline(admin.TabularInline):
    model = EscalationRung
    extra = 0


@admin.register(EscalationLadder)
class EscalationLadderAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [RungInline]


class HolidayOverrideForm(SaneDatesFormMixin, forms.ModelForm):
    """A day in 2000–2099, the years the deadlines are computed for (issue 11 §4)."""

    class Meta:
        model = HolidayOverride
        fields = ["date", "is_workday", "name"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    form = HolidayOverrideForm
    list_display = ["date", "is_workday", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Deadlines change only through sla.services; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = DeadlineEvent
    extra = 0
    can_delete = False
    readonly_fields = ("key", "kind", "label", "due_at", "fired_at")
    fields = readonly_fields


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "level", "state", "assessed_department", "due_at", "rungs_fired"]
    list_filter = ["state", "kind", "level", "assessed_department"]
    search_fields = ["title"]
    inlines = [EventInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "recipient", "address", "subject", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "address"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "content_type", "object_id", "transition", "from_state", "to_state", "actor"]
    list_filter = ["content_type", "transition"]


PAUSE_SUBJECTS = [
    ("responses.order", _("Orders")),
    ("responses.workstep", _("Work steps")),
    ("faults.faultticket", _("Fault tickets")),
]


class PauseReasonForm(forms.ModelForm):
    """S5.3: roles and subjects are chosen from lists, so a reason names only roles and subjects that exist."""

    request_roles = forms.MultipleChoiceField(
        label=_("roles that may request"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    approve_roles = forms.MultipleChoiceField(
        label=_("roles that must approve"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    subjects = forms.MultipleChoiceField(
        label=_("applies to"), choices=PAUSE_SUBJECTS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PauseReason
        fields = ["code", "name", "request_roles", "approve_roles", "subjects", "position", "active"]


@admin.register(PauseReason)
class PauseReasonAdmin(admin.ModelAdmin):
    """The configurable list of pause reasons (S5.3): who may ask, who must approve, on what."""

    form = PauseReasonForm
    list_display = ["position", "code", "name", "request_roles", "approve_roles", "subjects", "active"]
    list_display_links = ["code"]
    list_editable = ["active"]


@admin.register(Pause)
class PauseAdmin(ReadOnlyAdmin):
    """Pauses change only through sla.services.pauses; the admin shows them."""

    list_display = ["requested_at", "content_type", "object_id", "reason", "state", "requested_by", "decided_at"]
    list_filter = ["state", "reason", "content_type"]
