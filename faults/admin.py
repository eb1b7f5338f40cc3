"""Admin of the faults app: read-mostly; workflow changes go through the services (pages/API)."""

from django.contrib import admin

from .models import (
    Complaint,
    ComplaintAppealStep,
    EventCall,
    EventLevelSuggestion,
    FaultNotice,
    FaultTicket,
    InternalSystem,
    Problem,
    QualityEvent,
    RectificationNotice,
)


@admin.register(InternalSystem)
class InternalSystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "department"]


class NoticeInline(admin.TabularInline):
    model = FaultNotice
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "subject", "body", "recipients", "by", "created_at", "published_at"]


@admin.register(FaultTicket)
class FaultTicketAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "level", "category", "handling_department", "state", "reported_at"]
    list_filter = ["state", "level", "category", "handling_department"]
    search_fields = ["title", "description"]
    list_select_related = ["handling_department"]
    readonly_fields = [f.name for f in FaultTicket._meta.fields]
    inlines = [NoticeInline]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "department", "state", "created_at"]
    list_filter = ["state", "department"]
    search_fields = ["title"]
    readonly_fields = ["state"]


class EventCallInline(admin.TabularInline):
    model = EventCall
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in EventCall._meta.fields]


@admin.register(QualityEvent)
class QualityEventAdmin(admin.ModelAdmin):
    inlines = [EventCallInline]
    list_display = ["id", "title", "category", "source", "computed_level", "override_level", "state", "detected_at"]
    list_filter = ["state", "category", "source"]
    readonly_fields = [f.name for f in QualityEvent._meta.fields]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["id", "customer_name", "category", "escalated", "state", "received_at"]
    list_filter = ["state", "category", "escalated", "channel", "appeal_stage"]
    readonly_fields = [f.name for f in Complaint._meta.fields]


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(admin.ModelAdmin):
    """Seed 002: read-only here; issue, answer, close and reject on the pages or the API (the deadline
    and the notices go with them)."""

    list_display = ["id", "title", "issuing_department", "to_department", "state", "due_at", "issued_at"]
    list_filter = ["state", "to_department", "issuing_department"]
    search_fields = ["title", "content"]
    list_select_related = ["issuing_department", "to_department"]
    readonly_fields = [f.name for f in RectificationNotice._meta.fields]


# --- issue 15 §4: the 12300 route's stage outcomes and the day's level suggestions (read-only: the
# services write them) -----------------------------------------------------------------------------


@admin.register(ComplaintAppealStep)
class ComplaintAppealStepAdmin(admin.ModelAdmin):
    list_display = ["complaint", "stage", "recorded_at", "recorded_by"]
    list_filter = ["stage"]
    readonly_fields = [f.name for f in ComplaintAppealStep._meta.fields]


@admin.register(EventLevelSuggestion)
class EventLevelSuggestionAdmin(admin.ModelAdmin):
    list_display = ["event", "day", "suggested_level", "applied_at", "applied_by"]
    list_filter = ["suggested_level", "day"]
    readonly_fields = [f.name for f in EventLevelSuggestion._meta.fields]
