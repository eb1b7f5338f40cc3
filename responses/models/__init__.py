"""Business-response orders (SPEC §1), by resource: ``catalogue``, ``orders``, ``side_work``, ``report``,
``responsibility``.

Workflows (django-fsm, protected state fields, optimistic concurrency):

* ``Order``: draft → submitted (→ awaiting sign-off for A) → accepted → in progress → completed →
  confirmed / auto-confirmed → archived; returned for clarification; cancelled.
* ``WorkStep``: pending → dispatched → accepted (⇄ paused by a special order) → done → returned.
* ``SpecialOrder`` (R1.10), ``Requisition`` (R1.7), ``ContactOrder`` (R1.13), ``ExpansionRequest``
  (R1.15), ``BuildDecision`` (R1.18), ``PhoneDispatch`` (R1.11).

Transitions only change state in memory; ``responses.services`` runs them through
``sla.workflow.apply_transition`` (row lock, permission, audit entry).
"""

from .catalogue import *  # noqa: F403
from .orders import *  # noqa: F403
from .report import *  # noqa: F403
from .responsibility import *  # noqa: F403
from .side_work import *  # noqa: F403
