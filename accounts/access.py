"""Who may see account requests, grants and HR records (A3.1, A3.2), and the API token login.

The organisation's own checks (read-all roles, department scope, role requirements) live on the
ground floor in ``org.access``; these are the ones that need this app's models.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from org.access import is_it_operator, is_read_only, reads_everything
from org.roles import Role

from .models import ApiToken

# --- account requests, grants and HR records (A3.1, A3.2) ---------------------------------


def account_requests_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Requester, account holder, the approvers' departments (managers/leaders), IT, and the read-all roles."""
    if reads_everything(user) or is_it_operator(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    condition = Q(requester=user) | Q(target_user=user)
    if user.department_id and user.has_role(Role.DEPT_MANAGER, Role.LEADER):
        condition |= Q(requester_department_id=user.department_id) | Q(scope_department_id=user.department_id)
    return queryset.filter(condition)


def grants_visible_to(user, queryset: QuerySet) -> QuerySet:
    """The holder, managers of the holder's department, IT and the read-all roles."""
    if reads_everything(user) or is_it_operator(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    condition = Q(user=user)
    if user.department_id and user.has_role(Role.DEPT_MANAGER, Role.LEADER):
        condition |= Q(user__department_id=user.department_id)
    return queryset.filter(condition)


def hr_events_visible_to(user, queryset: QuerySet) -> QuerySet:
    """IT (who records them), the read-all roles, and managers of the departments concerned."""
    if reads_everything(user) or is_it_operator(user):
        return queryset
    if not user.is_authenticated or not user.department_id or not user.has_role(Role.DEPT_MANAGER, Role.LEADER):
        return queryset.none()
    return queryset.filter(Q(old_department_id=user.department_id) | Q(new_department_id=user.department_id))


def may_record_hr_events(user) -> bool:
    """HR records are entered by IT (SPEC A3.2: IT deactivates on HR's records)."""
    return is_it_operator(user) and not is_read_only(user)


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` against ``ApiToken`` digests (issue 11.6: no key is stored).

    The presented key is hashed and looked up by digest (so no comparison of secrets happens in
    Python or SQL), loading the user's department in the same query (every API request asks for it);
    an inactive (departed) user's token is refused."""

    model = ApiToken

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__department").get(digest=model.digest_of(key))
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
