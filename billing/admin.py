from django import forms
from django.contrib import admin

from sla.validators import SaneDatesFormMixin

from .models import (
    ArrearsCase,
    BillRun,
    Customer,
    Invoice,
    Partner,
    Product,
    Service,
    ServiceChange,
    SettlementStatement,
)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_key", "contact_person", "contact_phone"]
    list_filter = ["is_key"]
    search_fields = ["code", "name"]


class ServiceForm(SaneDatesFormMixin, forms.ModelForm):
    """Activation and end dates in 2000–2099 (issue 11 §4): the invoices prorate by them (B4.4)."""

    class Meta:
        model = Service
        fields = [
            "code", "customer", "product", "level", "monthly_fee", "one_time_fee", "state", "activated_on",
            "ended_on", "partner",
        ]  # fmt: skip


class ServiceChangeInline(admin.TabularInline):
    """Issue 14 §1: the circuit's history, written by confirmed orders only."""

    model = ServiceChange
    fields = (
        "on",
        "kind",
        "order_number",
        "product",
        "monthly_fee",
        "level",
        "previous_product",
        "previous_monthly_fee",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    inlines = [ServiceChangeInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new circuit has no history yet
    list_display = ["code", "customer", "product", "level", "state", "monthly_fee", "activated_on", "ended_on"]
    list_filter = ["state", "level"]
    search_fields = ["code", "customer__name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "rate"]
    list_filter = ["kind"]


class ReadOnly(admin.ModelAdmin):
    """Runs, invoices and statements change only through billing.services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BillRun)
class BillRunAdmin(ReadOnly):
    list_display = ["period", "kind", "state", "attempt", "operator", "verified_by", "progress_done", "progress_total"]
    list_filter = ["kind", "state"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ["number", "customer", "period", "state", "total"]
    list_filter = ["state", "period"]
    search_fields = ["number", "customer__name"]


@admin.register(SettlementStatement)
class SettlementStatementAdmin(ReadOnly):
    list_display = ["partner", "period", "revenue", "rate", "amount", "state"]


@admin.register(ArrearsCase)
class ArrearsCaseAdmin(ReadOnly):
    list_display = ["customer", "state", "size", "amount", "reminders", "restricted", "last_reminder_at"]
    list_filter = ["state", "size", "restricted"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "monthly_fee", "one_time_fee"]
