from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Department, User
from org.roles import Role

from .models import AccountRequest, HrEvent


class AccountRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AccountRequest.Kind.choices)
    target_user = forms.ModelChoiceField(
        label=_("account holder"), queryset=User.objects.filter(is_active=True).order_by("username"), required=False
    )
    new_username = forms.CharField(label=_("new user name"), max_length=150, required=False)
    new_full_name = forms.CharField(label=_("new person's name"), max_length=100, required=False)
    new_email = forms.EmailField(label=_("new person's email"), required=False)
    new_phone = forms.CharField(label=_("new person's mobile phone"), max_length=20, required=False)
    system = forms.CharField(
        label=_("external system"), max_length=100, required=False, help_text=_("Empty: this platform")
    )
    requested_roles = forms.MultipleChoiceField(
        label=_("requested roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    requested_department = forms.ModelChoiceField(
        label=_("department on this platform"), queryset=Department.objects.all(), required=False
    )
    permission_text = forms.CharField(label=_("permissions requested"), widget=forms.Textarea, required=False)
    scope_department = forms.ModelChoiceField(
        label=_("business department owning the scope"), queryset=Department.objects.all()
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class HrEventForm(forms.Form):
    user = forms.ModelChoiceField(label=_("person"), queryset=User.objects.order_by("username"))
    kind = forms.ChoiceField(label=_("kind"), choices=HrEvent.Kind.choices)
    effective_on = forms.DateField(
        label=_("effective on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    new_department = forms.ModelChoiceField(
        label=_("new department"), queryset=Department.objects.all(), required=False
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class HrCsvForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text="username,kind,effective_on,new_department,note")
