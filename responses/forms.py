"""Page forms: the order form (R1.1), and the work around the orders: phone dispatch (R1.11), contact
orders (R1.13), requisitions (R1.7), expansion requests (R1.15), the recovery ledger (R1.16) and build
decisions (R1.18). They only check the shape of the input; the services decide the rules."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import Customer, Product, Service
from org.models import Department
from sla.validators import FIRST_YEAR, LAST_YEAR, SaneDatesFormMixin

from . import selectors, services
from .models import (
    BuildDecision,
    BusinessType,
    ContactOrder,
    EquipmentNeed,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
)
from .services.equipment import MAX_QUANTITY

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CircuitField(forms.CharField):
    """Issue 14 §1: the circuit a change or decommission order names, typed as its circuit number
    (the page offers the customer's active circuits in a ``<datalist>``); resolved to the service
    here, the order service checks that it is the customer's and active."""

    def __init__(self, **kwargs):
        attrs = {"list": "circuit-options", "autocomplete": "off"}
        attrs["data-search-url"] = reverse_lazy("billing:circuit-search")
        super().__init__(max_length=40, required=False, widget=forms.TextInput(attrs=attrs), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return Service.objects.filter(pk=value).values_list("code", flat=True).first() or ""
        return getattr(value, "code", value)

    def clean(self, value):
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        service = Service.objects.select_related("customer").filter(code=code).first()
        if service is None:
            raise forms.ValidationError(_("No circuit has the number %(code)s.") % {"code": code})
        return service


class OrderForm(SaneDatesFormMixin, forms.ModelForm):
    """R1.1: a new order (and R1.11: one backfilled from a phone dispatch)."""

    service = CircuitField(
        label=_("Circuit"),
        help_text=_("A change or decommission order: the circuit number (type it, or pick the customer's)."),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)
    confirm_over_quota = forms.BooleanField(label=_("Submit although over the quota"), required=False)

    class Meta:
        model = Order
        fields = list(services.ORDER_FIELDS)
        widgets = {
            "requested_completion_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_type"].queryset = BusinessType.objects.order_by("name")
        # Only the user's own department's requisitions may be named (issue 11; the service re-checks).
        self.fields["requisition"].queryset = selectors.requisitions_visible_to(user).filter(
            front_department_id=getattr(user, "department_id", None)
        )
        for name in ("location", "contact_person", "contact_phone"):
            self.fields[name].required = False  # the service names what is missing (R1.1)
        self.fields["new_product"].queryset = Product.objects.order_by("name")
        customer = self.data.get("customer") if self.is_bound else None
        # Issue 14 §1: the chosen customer's active circuits for the circuit field's <datalist>.
        self.circuit_options = (
            Service.objects.filter(customer_id=customer, state=Service.State.ACTIVE).order_by("code")[:50]
            if str(customer or "").isdigit()
            else Service.objects.none()
        )


class PhoneDispatchForm(SaneDatesFormMixin, forms.ModelForm):
    """R1.11: the Center records a night / rest-day phone dispatch."""

    class Meta:
        model = PhoneDispatch
        fields = ["department", "phoned_at", "caller", "summary"]
        widgets = {"phoned_at": DATETIME_WIDGET, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(side=Department.Side.FRONT).order_by("code")
        self.fields["phoned_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if not self.is_bound:
            self.initial.setdefault("phoned_at", timezone.localtime().replace(second=0, microsecond=0))


class ContactOrderForm(SaneDatesFormMixin, forms.ModelForm):
    """R1.13: a work contact order to another department, due at the requested feedback time."""

    class Meta:
        model = ContactOrder
        fields = ["to_department", "subject", "body", "feedback_due_at"]
        widgets = {"feedback_due_at": DATETIME_WIDGET, "body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("side", "code")
        if user is not None and user.department_id:
            departments = departments.exclude(pk=user.department_id)
        self.fields["to_department"].queryset = departments
        self.fields["feedback_due_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 2}))


class RequisitionForm(forms.ModelForm):
    """R1.7: the front department raises a resource-confirmation requisition."""

    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.order_by("name"))

    class Meta:
        model = Requisition
        fields = ["customer", "resource_type", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RequisitionAnswerForm(forms.Form):
    available = forms.TypedChoiceField(
        label=_("resources"),
        choices=[("1", _("Resources available")), ("0", _("No resources"))],
        coerce=lambda v: v == "1",
    )
    answer = forms.CharField(label=_("answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on_site = forms.BooleanField(label=_("confirmed on site"), required=False)


class ExpansionRaiseForm(forms.Form):
    reason = forms.CharField(label=_("why it cannot be allocated"), widget=forms.Textarea(attrs={"rows": 2}))


class ExpansionPlanForm(forms.Form):
    plan = forms.CharField(label=_("plan"), widget=forms.Textarea(attrs={"rows": 2}))


class RecoveryEntryForm(SaneDatesFormMixin, forms.ModelForm):
    """R1.16: time, person, equipment name, model, quantity, condition, intended use."""

    class Meta:
        model = RecoveryEntry
        fields = ["recovered_at", "person", "equipment_name", "model", "quantity", "condition", "intended_use"]
        widgets = {"recovered_at": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recovered_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=[(q, q) for q in range(1, 5)], coerce=int)


class BuildDecisionForm(forms.ModelForm):
    """R1.18: expected demand, buildings and competition."""

    class Meta:
        model = BuildDecision
        fields = ["kind", "site", "expected_demand", "buildings", "competition"]
        widgets = {"competition": forms.Textarea(attrs={"rows": 2})}


class CostForm(forms.Form):
    cost = forms.DecimalField(label=_("cost estimate (CNY)"), max_digits=14, decimal_places=2, min_value=0)


class EquipmentNeedForm(forms.Form):
    """R1.14: one item an order needs (small optical transceiver, optical modem, switch …)."""

    item = forms.ChoiceField(label=_("item"), choices=[("", "—"), *EquipmentNeed.Item.choices], required=False)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=MAX_QUANTITY, required=False)
    note = forms.CharField(label=_("model / specification"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY})
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Choose an item from the list."))
        return data


#: R1.14: the new-order form's equipment rows (blank rows are skipped).
EquipmentNeedFormSet = forms.formset_factory(EquipmentNeedForm, extra=3, max_num=20, absolute_max=20)
EQUIPMENT_PREFIX = "equipment"


def equipment_formset(data=None):
    """The rows of the new-order form; a post without them (another client of the form) has none."""
    bound = data is not None and f"{EQUIPMENT_PREFIX}-TOTAL_FORMS" in data
    return EquipmentNeedFormSet(data if bound else None, prefix=EQUIPMENT_PREFIX)


def equipment_ok(formset) -> bool:
    return not formset.is_bound or formset.is_valid()


def equipment_rows(formset) -> list[tuple[str, int, str]]:
    """(item, quantity, note) of the filled rows of a valid ``EquipmentNeedFormSet``."""
    if not formset.is_bound:
        return []
    return [
        (f.cleaned_data["item"], f.cleaned_data["quantity"], f.cleaned_data.get("note", ""))
        for f in formset.forms
        if f.cleaned_data.get("item")
    ]


class FirstUseForm(SaneDatesFormMixin, forms.Form):
    """R1.17: the date the customer first used the circuit."""

    circuit_first_used_on = forms.DateField(
        label=_("circuit first used on"), widget=forms.DateInput(attrs={"type": "date"})
    )
