"""Writes of billing: bill and settlement runs (B4.2, B4.3), invoices (B4.4), arrears and their work
orders (B4.5).

Money is ``Decimal`` CNY with 2 places, rounded ROUND_HALF_UP once per invoice line;
an invoice's total is the exact sum of its lines."""

from .adjustments import adjustment_approve, adjustment_reject, adjustment_request
from .arrears import (
    BACK_OFFICE_FOR_RESTRICTIONS,
    arrears_scan,
    arrears_size,
    invoice_due_date,
    overdue_balance,
    payment_record,
)
from .calendar import ANNOUNCE_DAY, on_duty_operator, run_due_at, run_warn_at
from .circuits import service_from_confirmed_order
from .invoicing import CHUNK, GENERATION_LOCK, bill_run_generate_invoices, bill_runs_resume_invoicing
from .lines import (
    CENT,
    active_days,
    fee_changes,
    late_repairs,
    money,
    month_bounds,
    service_lines,
    sla_credit_line,
    sla_credit_rule,
)
from .runs import (
    ANNOUNCEMENT_KIND,
    CHECKLIST,
    RUN_MONTHS_AHEAD,
    RUN_MONTHS_BACK,
    bill_run_announce,
    bill_run_challenge,
    bill_run_finish_preprocessing,
    bill_run_get_or_schedule,
    bill_run_months,
    bill_run_publish,
    bill_run_report_anomaly,
    bill_run_roll_back,
    bill_run_schedule,
    bill_run_sign_check,
    bill_run_start_check,
    bill_run_verify,
    bill_run_warn,
    bill_runs_schedule_month,
)
from .work_orders import work_order_accept, work_order_done, work_order_open, work_orders_cancel

__all__ = [
    "ANNOUNCEMENT_KIND",
    "ANNOUNCE_DAY",
    "BACK_OFFICE_FOR_RESTRICTIONS",
    "CENT",
    "CHECKLIST",
    "CHUNK",
    "GENERATION_LOCK",
    "RUN_MONTHS_AHEAD",
    "RUN_MONTHS_BACK",
    "active_days",
    "adjustment_approve",
    "adjustment_reject",
    "adjustment_request",
    "arrears_scan",
    "arrears_size",
    "bill_run_announce",
    "bill_run_challenge",
    "bill_run_finish_preprocessing",
    "bill_run_get_or_schedule",
    "bill_run_generate_invoices",
    "bill_run_months",
    "bill_run_publish",
    "bill_run_report_anomaly",
    "bill_run_roll_back",
    "bill_run_schedule",
    "bill_run_sign_check",
    "bill_run_start_check",
    "bill_run_verify",
    "bill_run_warn",
    "bill_runs_schedule_month",
    "bill_runs_resume_invoicing",
    "invoice_due_date",
    "fee_changes",
    "late_repairs",
    "money",
    "month_bounds",
    "on_duty_operator",
    "overdue_balance",
    "payment_record",
    "run_due_at",
    "run_warn_at",
    "service_from_confirmed_order",
    "service_lines",
    "sla_credit_line",
    "sla_credit_rule",
    "work_order_accept",
    "work_order_done",
    "work_order_open",
    "work_orders_cancel",
]
