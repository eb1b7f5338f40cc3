"""Admin: the catalogue and key areas are edited here (R1.1, R1.21); workflow records are read-only
(their state changes only through the services)."""

from django.contrib import admin

from .models import (
    BusinessType,
    ContactOrder,
    EquipmentReport,
    KeyArea,
    Order,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_key", "needs_attachment", "needs_agreement", "is_expansion"]
    list_filter = ["is_key", "needs_attachment", "needs_agreement"]


@admin.register(KeyArea)
class KeyAreaAdmin(admin.ModelAdmin):
    list_display = ["name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StepInline(admin.TabularInline):
    model = WorkStep
    extra = 0
    can_delete = False
    fields = ("position", "department", "title", "state", "due_at", "finished_at", "returned_at", "overtime")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "front_department", "customer", "level", "assessed_level", "state", "due_at"]
    list_filter = ["state", "level", "front_department"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["front_department", "customer"]
    inlines = [StepInline]


@admin.register(Requisition, ContactOrder, SpecialOrder, EquipmentReport)
class WorkflowAdmin(ReadOnlyAdmin):
    pass


@admin.register(RecoveryEntry)
class RecoveryEntryAdmin(ReadOnlyAdmin):
    list_display = ["order", "recovered_at", "person", "equipment_name", "model", "quantity", "checked_at"]
