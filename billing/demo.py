"""The demo's billing month (issue 14 §6): runs taken through the real services, paid and unpaid invoices.

``seed_demo`` calls ``load_demo_month`` after every app's demo data (the order history confirms
circuits last month, which the bill run must see). Idempotent: a run is taken on from the state it is
in, payments and arrears are made once.

- The month before last: a bill run, published; every customer but ``DEBTORS`` pays it, so those two
  are overdue (their invoices were due ``BILLING_PAYMENT_TERM_DAYS`` after that month) and the arrears
  scan opens a small and a large case; the large one gets its restriction work order (网络监控中心).
- Last month: a bill run and a settlement run (statements for the partners), published — or, with
  ``bill_run="scheduled"``, both left scheduled, as the calendar leaves them at 00:00 on the 1st.
"""

from django.utils import timezone

from org.models import User
from sla.validators import add_months

from . import services
from .models import ArrearsCase, BillRun, Customer, Invoice, Partner, Payment, Service

# The checker/operator, the second pair of eyes, the reviewer (accounts seed_demo DEMO_USERS).
OPERATOR, VERIFIER, SUPERVISOR = "it_operator", "it_operator2", "it_supervisor"
DEBTORS = ("C0002", "C0003")  # 6800/month: large arrears; 1200/month: small
SERVICE_PARTNERS = [("DDN-0001", "AG-001"), ("FTTB-0003", "CP-001")]  # B4.3: whose revenue is settled
ALL_CHECKS = {code: True for code, _label in services.CHECKLIST}
BILL_RUN_STATES = ("published", "scheduled")


def take_run_to_published(run: BillRun, team: dict[str, User]) -> BillRun:
    """Each step through its service, from whatever state the run is in; invoicing runs here, in this
    process, as the worker's task would (``bill_run_generate_invoices``), so no worker is needed."""
    S = BillRun.State
    steps = {
        S.SCHEDULED: lambda r: services.bill_run_start_check(run=r, by=team[OPERATOR]),
        S.CHECKING: lambda r: services.bill_run_sign_check(run=r, by=team[OPERATOR], checklist=ALL_CHECKS),
        S.PREPROCESSING: lambda r: services.bill_run_finish_preprocessing(run=r, by=team[OPERATOR]),
        S.VERIFYING: lambda r: services.bill_run_verify(run=r, by=team[VERIFIER]),
        S.INVOICING: lambda r: services.bill_run_generate_invoices(run=r),
        S.REVIEWING: lambda r: services.bill_run_publish(run=r, by=team[SUPERVISOR]),
    }
    while run.state != S.PUBLISHED:
        steps[run.state](run)
        run = BillRun.objects.get(pk=run.pk)
    return run


def _link_partners() -> None:
    for service, partner in SERVICE_PARTNERS:
        Service.objects.filter(code=service, partner__isnull=True).update(
            partner=Partner.objects.filter(code=partner).first()
        )


def _pay_all_but_debtors(period, by: User) -> None:
    """Every customer but DEBTORS pays its invoice of ``period`` (once: the reference names it)."""
    invoices = Invoice.objects.filter(period=period, state=Invoice.State.PUBLISHED).exclude(customer__code__in=DEBTORS)
    for invoice in invoices.select_related("customer"):
        reference = f"DEMO-{invoice.number}"
        if not Payment.objects.filter(reference=reference).exists():
            services.payment_record(customer=invoice.customer, amount=invoice.total, by=by, reference=reference)


def load_demo_month(stdout=None, options=None) -> None:
    bill_run = (options or {}).get("bill_run") or "published"
    if bill_run not in BILL_RUN_STATES:
        raise ValueError(f"bill_run must be one of {BILL_RUN_STATES}, not {bill_run!r}")
    team = {u.username: u for u in User.objects.filter(username__in=[OPERATOR, VERIFIER, SUPERVISOR])}
    _link_partners()
    last = add_months(timezone.localdate().replace(day=1), -1)
    before = add_months(last, -1)

    earlier = take_run_to_published(services.bill_run_schedule(period=before), team)
    _pay_all_but_debtors(before, team[OPERATOR])
    debtors = Customer.objects.filter(code__in=DEBTORS)
    if not ArrearsCase.objects.filter(customer__in=debtors, state=ArrearsCase.State.OPEN).exists():
        services.arrears_scan()

    runs = [services.bill_run_schedule(period=last, kind=kind) for kind in BillRun.Kind.values]
    if bill_run == "published":  # the settlement run settles the bill run's invoices: it goes second
        runs = [take_run_to_published(run, team) for run in runs]
    if stdout is not None:
        stdout.write(f"Demo billing: {earlier} published; " + "; ".join(f"{r} {r.state}" for r in runs))
