"""Writes of the accounts app: account requests (A3.1), grants, HR records (A3.2), security events.

Keyword-only ``<entity>_<action>`` functions; views, the API, the admin,
management commands and tasks call these and nothing else."""

from .hr import (
    CSV_COLUMNS,
    HR_EVENT_WINDOW,
    hr_effective_on_check,
    hr_event_apply,
    hr_event_record,
    hr_events_apply_due,
    hr_events_import_csv,
)
from .requests import (
    DEADLINE_KIND,
    ROLE_CODES,
    account_request_business_approve,
    account_request_complete,
    account_request_escalate,
    account_request_leader_approve,
    account_request_manager_approve,
    account_request_reject,
    account_request_submit,
)
from .tokens import api_token_issue, api_token_revoke
from .users import (
    password_link,
    password_link_send,
    security_event_record,
    sessions_clear_expired,
    user_deactivate,
    user_end_sessions,
)

__all__ = [
    "CSV_COLUMNS",
    "DEADLINE_KIND",
    "HR_EVENT_WINDOW",
    "ROLE_CODES",
    "account_request_business_approve",
    "account_request_complete",
    "account_request_escalate",
    "account_request_leader_approve",
    "account_request_manager_approve",
    "account_request_reject",
    "account_request_submit",
    "api_token_issue",
    "api_token_revoke",
    "hr_effective_on_check",
    "hr_event_apply",
    "hr_event_record",
    "hr_events_apply_due",
    "hr_events_import_csv",
    "password_link",
    "password_link_send",
    "security_event_record",
    "sessions_clear_expired",
    "user_deactivate",
    "user_end_sessions",
]
