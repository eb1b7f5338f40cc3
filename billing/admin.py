from django.contrib import admin

from .models import Customer, Service


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_key", "contact_person", "contact_phone"]
    list_filter = ["is_key"]
    search_fields = ["code", "name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "customer", "product", "level", "state", "monthly_fee", "activated_on", "ended_on"]
    list_filter = ["state", "level"]
    search_fields = ["code", "customer__name"]
