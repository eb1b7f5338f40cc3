"""The fault pages' forms."""

from django import forms
from django.utils.translation import gettext_lazy

from billing.models import Service
from org.models import Department
from sla.validators import sane_date

from .models import FaultCategory, InternalSystem


class ReportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    service = forms.ModelChoiceField(
        label=gettext_lazy("Affected circuit"), queryset=Service.objects.select_related("customer"), required=False
    )
    system = forms.ModelChoiceField(
        label=gettext_lazy("Affected system"), queryset=InternalSystem.objects.all(), required=False
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=FaultCategory.choices)
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        choices=[("", gettext_lazy("From the circuit or system")), ("A", "A"), ("B", "B"), ("C", "C")],
        required=False,
    )
    handling_department = forms.ModelChoiceField(
        label=gettext_lazy("Handling department"),
        queryset=Department.objects.filter(side__in=[Department.Side.BACK, Department.Side.SUPPORT]),
        required=False,
    )
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=gettext_lazy("Reporter"), max_length=60, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Contact phone"), max_length=30, required=False)
    phone_reported_at = forms.DateTimeField(
        label=gettext_lazy("Time of the phone call (backfilled tickets)"),
        required=False,
        validators=[sane_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
