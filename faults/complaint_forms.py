"""The complaint pages' forms (issue 15 §4); the services check again what the forms check."""

from django import forms
from django.utils.translation import gettext_lazy

from billing.models import Customer
from billing.selectors import customers_for
from org.models import Department
from sla.validators import sane_date

from . import selectors
from .models import AppealStage, ComplaintChannel, EventCategory, QualityEvent


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=ComplaintChannel.choices)
    customer_name = forms.CharField(label=gettext_lazy("Customer"), max_length=100)
    customer_phone = forms.CharField(label=gettext_lazy("Customer phone"), max_length=30, required=False)
    customer = forms.ModelChoiceField(
        label=gettext_lazy("Billing customer (optional)"), queryset=Customer.objects.none(), required=False
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=EventCategory.choices)
    escalated = forms.BooleanField(label=gettext_lazy("Escalated complaint"), required=False)
    content = forms.CharField(label=gettext_lazy("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=gettext_lazy("Handling department"), queryset=Department.objects.all())
    order_number = forms.CharField(label=gettext_lazy("Order number (optional)"), max_length=30, required=False)
    ticket_number = forms.CharField(label=gettext_lazy("Fault ticket number (optional)"), max_length=30, required=False)
    quality_event = forms.ModelChoiceField(
        label=gettext_lazy("Quality event (optional)"), queryset=QualityEvent.objects.none(), required=False
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at (backfilled complaints)"),
        required=False,
        validators=[sane_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = customers_for(user)
        self.fields["quality_event"].queryset = selectors.events_visible_to(user).exclude(state="closed")

    def clean(self):
        data = super().clean()
        number = (data.pop("ticket_number", "") or "").strip()
        data["fault_ticket"] = None
        if number:
            digits = number.upper().removeprefix("GZ")  # FaultTicket.number is GZ + its id
            visible = selectors.tickets_visible_to(self.user)
            ticket = visible.filter(pk=int(digits)).first() if digits.isdigit() else None
            if ticket is None:
                self.add_error("ticket_number", gettext_lazy("No fault ticket with this number that you may see."))
            data["fault_ticket"] = ticket
        return data


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    department = forms.ModelChoiceField(
        label=gettext_lazy("Handling department"), queryset=Department.objects.all(), required=False
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=[("", "—"), *ComplaintChannel.choices], required=False
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import Complaint

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext_lazy("Open")), *Complaint.State.choices]


STAGE_CHOICES = AppealStage.choices
