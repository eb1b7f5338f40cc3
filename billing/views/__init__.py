"""Pages of billing, one module per resource: bill runs and invoices, arrears and work orders,
adjustments, settlement statements and partners, circuits."""

from .adjustments import adjustment_action, adjustment_evidence, adjustment_list
from .arrears import arrears_list, work_order_action, work_orders
from .circuits import circuit_detail, circuit_list, circuit_search
from .runs import invoice_detail, run_action, run_detail, run_list
from .statements import partner_detail, statement_detail, statement_list

__all__ = [
    "adjustment_action", "adjustment_evidence", "adjustment_list", "arrears_list", "circuit_detail", "circuit_list",
    "circuit_search", "invoice_detail", "partner_detail", "run_action", "run_detail", "run_list", "statement_detail",
    "statement_list", "work_order_action", "work_orders",
]  # fmt: skip
