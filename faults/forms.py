"""The fault pages' forms."""

from django import forms
from django.utils.translation import gettext_lazy

from billing.models import Service
from org.models import Department
from sla.validators import sane_date

from .models import FaultCategory, FaultTicket, InternalSystem, QualityEvent


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


class ProblemForm(forms.Form):
    """F2.5: a problem record opened on its own, with any of the department's tickets."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Owning department"),
        queryset=Department.objects.filter(side__in=[Department.Side.BACK, Department.Side.SUPPORT]),
    )
    tickets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Fault tickets"),
        queryset=FaultTicket.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, tickets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tickets is not None:  # only tickets the user may see (issue 11); the service re-checks
            self.fields["tickets"].queryset = tickets
        self.fields["tickets"].label_from_instance = lambda t: f"{t.number} {t.title}"


class RectificationForm(forms.Form):
    """Seed 002: a rectification notice (整改通知) to a responsible department."""

    to_department = forms.ModelChoiceField(
        label=gettext_lazy("Responsible department"), queryset=Department.objects.all()
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    content = forms.CharField(label=gettext_lazy("What must be rectified"), widget=forms.Textarea(attrs={"rows": 4}))
    ticket = forms.CharField(label=gettext_lazy("Fault ticket number (optional)"), max_length=20, required=False)
    problem = forms.CharField(label=gettext_lazy("Problem number (optional)"), max_length=20, required=False)
    quality_event = forms.ModelChoiceField(
        label=gettext_lazy("Quality event (optional)"), queryset=QualityEvent.objects.none(), required=False
    )

    def __init__(self, *args, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        if events is not None:
            self.fields["quality_event"].queryset = events
