"""Responsibility for any department (issue 13 §4) on the order page: the Center records
non-cooperation (§三.14, §四.2), lost equipment (§三.6) and an unreachable order admin (§四.16).

The block is ``responses/_order_responsibility.html``; its button shows when
``rules.may_record_responsibility`` allows it, the predicate the services check."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.views import form_action
from org.access import AuthenticatedRequest
from org.models import Department, User

from .. import rules, selectors, services
from ..forms import DATETIME_WIDGET
from ..models import Order, WorkStep


class _OrderForm(forms.Form):
    """A form about one order (``order=``)."""

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order


class NonCooperationForm(_OrderForm):
    department = forms.ModelChoiceField(label=gettext_lazy("Responsible department"), queryset=Department.objects)
    step = forms.ModelChoiceField(label=gettext_lazy("Work step"), queryset=WorkStep.objects.none(), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=gettext_lazy("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    attachment = forms.FileField(label=gettext_lazy("Evidence file"), required=False)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        self.fields["step"].queryset = order.steps.all()  # type: ignore[attr-defined]


class LostEquipmentForm(_OrderForm):
    item = forms.CharField(label=gettext_lazy("Item"), max_length=100)
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, max_value=100000)
    amount = forms.DecimalField(
        label=gettext_lazy("Re-purchase cost (CNY)"), min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False)


class AdminUnreachableForm(_OrderForm):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=Department.objects)
    person = forms.ModelChoiceField(label=gettext_lazy("Order admin"), queryset=User.objects, required=False)
    tried_at = forms.DateTimeField(label=gettext_lazy("Could not be reached at"), widget=DATETIME_WIDGET)
    note = forms.CharField(label=gettext_lazy("Note"), required=False)


def _record(request: AuthenticatedRequest, pk: int, form_class: type[_OrderForm], service: Callable) -> HttpResponse:
    order = selectors.get_order_for(request.user, pk)  # 404 when it is not the person's to see
    if not rules.may_record_responsibility(order, request.user):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES, order=order)
    if form.is_valid() and form_action(form, service, order=order, by=request.user, **form.cleaned_data):
        messages.success(request, _("Recorded."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect(f"{order.get_absolute_url()}#responsibility")


@require_POST
@login_required
def noncooperation_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _record(request, pk, NonCooperationForm, services.noncooperation_record)


@require_POST
@login_required
def lost_equipment_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _record(request, pk, LostEquipmentForm, services.lost_equipment_record)


@require_POST
@login_required
def admin_unreachable_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _record(request, pk, AdminUnreachableForm, services.admin_unreachable_record)
