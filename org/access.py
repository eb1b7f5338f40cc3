"""Who may see and do what: the one place every page, API view, admin and task asks.

Rules (SPEC §0, issue 5):
* The Customer Response Center (its dispatchers), managers/viewers and auditors
  read everything; auditors change nothing.
* Everyone else reads what belongs to their own department; each app's
  selectors say which fields link a record to departments (``department_scope``).
* Actions are granted to roles (``require_role``); transitions carry their own
  ``permission=`` callables built from the helpers here.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Department, User
from .roles import Role

READ_ALL_ROLES = (Role.DISPATCHER, Role.VIEWER, Role.AUDITOR)


class AuthenticatedRequest(HttpRequest):
    """The request a page behind ``login_required`` or ``role_required`` receives: its user is signed in.
    For type checks only (views' ``request:`` annotation); nothing creates one."""

    user: User


def is_center(user) -> bool:
    return bool(user.is_authenticated and user.department_id and user.department.side == Department.Side.CENTER)


def reads_everything(user) -> bool:
    """Center staff, managers/viewers, auditors and superusers see every department's records."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or is_center(user) or user.has_role(*READ_ALL_ROLES)


def is_read_only(user) -> bool:
    """Auditors (and viewers without another role) read but never change anything."""
    codes = user.role_codes if user.is_authenticated else set()
    return bool(codes) and codes <= {Role.AUDITOR.value, Role.VIEWER.value} and not user.is_superuser


def department_scope(user, queryset: QuerySet, *department_paths: str) -> QuerySet:
    """``queryset`` limited to rows linked to the user's department through any of ``department_paths``.

    ``department_scope(user, Order.objects.all(), "front_department", "steps__department")``
    """
    if reads_everything(user):
        return queryset
    if not user.is_authenticated or not user.department_id:
        return queryset.none()
    condition = Q()
    for path in department_paths:
        condition |= Q(**{path: user.department_id})
    return queryset.filter(condition).distinct()


def require_role(user, *roles, department: Department | None = None) -> None:
    """Raise PermissionDenied unless ``user`` holds one of ``roles`` (in ``department``, when given)."""
    if not user.is_authenticated or not user.has_role(*roles) or is_read_only(user):
        raise PermissionDenied
    if department is not None and user.department_id != department.pk:
        raise PermissionDenied


def has_role_in(user, roles, department: Department | None) -> bool:
    """For FSM ``permission=`` callables: holds a role, optionally in a given department."""
    if not user.is_authenticated or is_read_only(user) or not user.has_role(*roles):
        return False
    return department is None or user.department_id == department.pk


def is_center_dispatcher(user) -> bool:
    """A dispatcher of the Customer Response Center (accepts, dispatches, decides special orders…)."""
    return is_center(user) and has_role_in(user, [Role.DISPATCHER], None)


def works_in_back_office(user, department_code: str) -> bool:
    """A back-office member or admin of the department with ``department_code``."""
    return getattr(user.department, "code", "") == department_code and has_role_in(
        user, [Role.BACK_MEMBER, Role.BACK_ADMIN], None
    )


# The overdue dashboard and the monthly report (issue 7, R1.22): managers, supervisors, leaders, the
# Center and auditors.
REPORT_ROLES = (Role.VIEWER, Role.DEPT_MANAGER, Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER, Role.AUDITOR)


def reads_reports(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*REPORT_ROLES)))


class ReadOnlyForAuditors(BasePermission):
    """DRF: authenticated; auditors and pure viewers may only read."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or not is_read_only(request.user)


# --- pages: role checks (issue 5) -------------------------------------------------------


def role_required(*roles, read_only_ok: bool = False):
    """View decorator: log in first, then hold one of ``roles`` (else 403).

    ``read_only_ok`` lets auditors/viewers read (GET/HEAD); they never POST.
    """
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = user.is_superuser or user.has_role(*roles)
            read_only = is_read_only(user)
            if not allowed or (read_only and (not read_only_ok or request.method not in SAFE_METHODS)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based pages: ``required_roles = (Role.X, ...)``; empty = any signed-in user.

    Auditors and viewers are refused unless ``read_only_ok``, and then only read.
    """

    required_roles: tuple = ()
    read_only_ok = False

    def dispatch(self, request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login

        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.required_roles and not (user.is_superuser or user.has_role(*self.required_roles)):
            raise PermissionDenied
        if is_read_only(user) and (not self.read_only_ok or request.method not in SAFE_METHODS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def is_it_operator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.IT_OPERATOR)))
