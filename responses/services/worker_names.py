"""R1.19 restricted sites: when the back office records its workers' names, the account manager who
obtains the access passes is told (seed 000 §四.11: 政企客户部's 大客户经理)."""

from django.utils.translation import gettext as _

from org.models import User
from org.roles import Role
from sla import services as sla
from sla.models import Notification

from ..models import Order


def account_managers(order: Order) -> list[User]:
    """Who obtains the access passes for ``order``. The order names no account manager of its own, so
    it is the order admins (front_admin) of the order's front department, the people who raised it
    with the customer."""
    return list(
        order.front_department.members.filter(is_active=True, groups__name=Role.FRONT_ADMIN.value)
        .distinct()
        .order_by("pk")
    )


def worker_names_tell(*, order: Order, by: User) -> None:
    """Tell the account manager (in-app and e-mail) that the workers' names of ``order`` are in."""
    sla.notify(
        users=account_managers(order),
        subject=_("Order %(number)s: workers' names for the access pass") % {"number": order.number or order.pk},
        body=_("%(department)s sends the names of its workers for the restricted site: %(names)s")
        % {"department": by.department, "names": order.worker_names},
        channels=[Notification.Channel.INAPP, Notification.Channel.EMAIL],
    )
