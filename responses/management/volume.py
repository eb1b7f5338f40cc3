"""Rows of generated volumes (issue 3, data volume): a COPY writer, and the ``sla.Deadline`` rows of
generated orders (the overdue dashboard reads them). Used by ``manage.py generate_orders``."""

import io
import time
from datetime import timedelta
from typing import cast

from django.db import connection, transaction

from responses.models import Order, WorkStep


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


CHUNK = 50_000  # rows per COPY


class Writer:
    """Collect rows of one model and write them with COPY (PostgreSQL) or bulk_create."""

    def __init__(self, model, columns):
        self.model, self.columns = model, columns
        self.rows = []
        self.table = model._meta.db_table
        defaults = {}
        for field in model._meta.concrete_fields:
            if field.column in columns:
                continue
            defaults[field.column] = field.get_default()
        defaults.pop("id", None)
        self.defaults = defaults
        self.all_columns = list(columns) + list(defaults)
        self.tail = "".join("\t" + _copy_value(v) for v in defaults.values())
        self.postgres = connection.vendor == "postgresql"

    def add(self, values):
        self.rows.append(values)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        if self.postgres:
            buffer = io.StringIO()
            for row in self.rows:
                buffer.write("\t".join(_copy_value(v) for v in row))
                buffer.write(self.tail)
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(f'"{c}"' for c in self.all_columns)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN', buffer)
        else:
            attnames = {f.column: f.attname for f in self.model._meta.concrete_fields}
            objs = []
            for row in self.rows:
                data = {attnames[c]: v for c, v in zip(self.columns, row, strict=True)}
                data.update({attnames[c]: v for c, v in self.defaults.items()})
                obj = self.model(**data)
                objs.append(obj)
            # Protected FSM fields: instances built with the state in their constructor are fine.
            self.model.objects.bulk_create(objs, batch_size=2000)
        self.rows = []


# --- deadlines of the generated orders (the overdue dashboard reads sla.Deadline) ---------------

OPEN_ORDER_STATES = ("submitted", "awaiting_signoff", "accepted", "in_progress")
CLOSED_ORDER_STATES = ("completed", "confirmed", "auto_confirmed", "archived")
OPEN_STEP_STATES = ("dispatched", "accepted", "paused", "done")


def _warn_before() -> dict[tuple[str, str], timedelta]:
    """Warning times of the provisioning and step limits (sla.SlaPolicy; none when not loaded)."""
    from sla.models import SlaPolicy

    return {
        (p.kind, p.level): p.warn_before
        for p in SlaPolicy.objects.filter(kind__in=[PROVISIONING, STEP_RESOURCE])
        if p.warn_before
    }


PROVISIONING, STEP_RESOURCE = "order-provisioning", "step-resource"


def _active_state(due_at, warn_at, now) -> tuple[str, object]:
    """An open deadline's state as the sweeper would have left it, and its next fire time."""
    if due_at <= now:
        return "breached", None
    if warn_at and warn_at <= now:
        return "warned", due_at
    return "pending", warn_at or due_at


def generate_deadlines(*, now, stdout=None) -> int:
    """Create the Deadline rows of generated orders ("G…") that have none: provisioning deadlines for
    submitted orders and step-resource deadlines for dispatched steps (assessed to the step's
    department), as the services would have: open ones active (pending / warned / breached by
    ``now``), closed ones met at the completion time (some after the due time).

    PostgreSQL: INSERT … SELECT on the server, with the deadline indexes rebuilt afterwards;
    elsewhere bulk_create."""
    if connection.vendor == "postgresql":
        return _deadlines_in_sql(now=now, stdout=stdout)
    return _deadlines_in_python(now=now)


def _center_id() -> int | None:
    """Provisioning deadlines answer to the Center, as ``responses.services`` starts them (issue 11)."""
    from org.models import Department

    return Department.objects.filter(side=Department.Side.CENTER).order_by("pk").values_list("pk", flat=True).first()


def _deadlines_in_python(*, now) -> int:
    from django.contrib.contenttypes.models import ContentType

    from sla.models import Deadline

    warn = _warn_before()
    order_ct = ContentType.objects.get_for_model(Order)
    step_ct = ContentType.objects.get_for_model(WorkStep)
    have = {
        (ct, oid) for ct, oid in Deadline.objects.filter(content_type__in=[order_ct, step_ct]).values_list(
            "content_type_id", "object_id"
        )
    }  # fmt: skip
    rows = []

    def add(ct, oid, title, kind, level, department, started, due, closed_at, is_open):
        if (ct.pk, oid) in have or started is None or due is None:
            return
        warn_at = due - warn[(kind, level)] if (kind, level) in warn else None
        if is_open:
            state, next_fire = _active_state(due, warn_at, now)
        else:
            state, next_fire = "met", None
        rows.append(
            Deadline(
                content_type=ct, object_id=oid, title=title, kind=kind, level=level,
                assessed_department_id=department, started_at=started, due_at=due, warn_at=warn_at, state=state,
                next_fire_at=next_fire, closed_at=None if is_open else (closed_at or due),
            )
        )  # fmt: skip

    center = _center_id()
    generated = Order.objects.filter(number__startswith="G", submitted_at__isnull=False)
    for o in generated.filter(state__in=OPEN_ORDER_STATES + CLOSED_ORDER_STATES).values(
        "id", "number", "level", "state", "submitted_at", "due_at", "completed_at"
    ):
        add(order_ct, o["id"], f"Order {o['number']} provisioning", PROVISIONING, o["level"], center,
            o["submitted_at"], o["due_at"], o["completed_at"], o["state"] in OPEN_ORDER_STATES)  # fmt: skip
    steps = WorkStep.objects.filter(
        order__in=generated, dispatched_at__isnull=False, state__in=OPEN_STEP_STATES + ("returned",)
    ).values("id", "position", "order__number", "order__level", "department_id", "state", "dispatched_at", "due_at",
             "finished_at", "returned_at")  # fmt: skip
    for s in steps:
        add(step_ct, s["id"], f"Order {s['order__number']} step {s['position']}", STEP_RESOURCE, s["order__level"],
            s["department_id"], s["dispatched_at"], s["due_at"], s["finished_at"] or s["returned_at"],
            s["state"] != "returned")  # fmt: skip
    Deadline.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _deadlines_in_sql(*, now, stdout=None) -> int:
    from django.contrib.contenttypes.models import ContentType

    from sla.models import Deadline

    warn = _warn_before()

    def warn_case(kind, level_sql):
        whens = " ".join(
            f"WHEN '{level}' THEN interval '{int(delta.total_seconds())} seconds'"
            for (k, level), delta in warn.items()
            if k == kind
        )
        return f"(CASE {level_sql} {whens} END)" if whens else "NULL::interval"

    order_ct = ContentType.objects.get_for_model(Order).pk
    step_ct = ContentType.objects.get_for_model(WorkStep).pk
    explicit = {
        "content_type_id": "ct", "object_id": "oid", "title": "title", "kind": "kind", "level": "lvl",
        "clock": "'calendar'", "assessed_department_id": "dept", "started_at": "started", "due_at": "due",
        "warn_at": "warn_at",
        "state": """CASE WHEN NOT is_open THEN 'met' WHEN due <= %(now)s THEN 'breached'
                         WHEN warn_at <= %(now)s THEN 'warned' ELSE 'pending' END""",
        "next_fire_at": """CASE WHEN NOT is_open OR due <= %(now)s THEN NULL
                                WHEN warn_at <= %(now)s THEN due ELSE COALESCE(warn_at, due) END""",
        "closed_at": "CASE WHEN is_open THEN NULL ELSE COALESCE(closed, due) END",
        "created_at": "%(now)s",
    }  # fmt: skip
    columns, values, params = [], [], {"now": now, "order_ct": order_ct, "step_ct": step_ct, "center": _center_id()}
    for f in Deadline._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f'"{f.column}"')
        if f.column in explicit:
            values.append(explicit[f.column])
        else:
            default = f.get_default()
            params[cast(str, f.column)] = f.get_db_prep_save(default, connection)
            values.append(f"%({f.column})s")
    missing = "NOT EXISTS (SELECT 1 FROM sla_deadline d WHERE d.content_type_id = {ct} AND d.object_id = {oid})"
    source = f"""
        SELECT %(order_ct)s AS ct, o.id AS oid, 'Order ' || o.number || ' provisioning' AS title,
               '{PROVISIONING}' AS kind, o.level AS lvl, %(center)s::bigint AS dept, o.submitted_at AS started,
               o.due_at AS due, o.due_at - {warn_case(PROVISIONING, "o.level")} AS warn_at,
               o.completed_at AS closed, o.state IN {OPEN_ORDER_STATES} AS is_open
        FROM responses_order o
        WHERE o.number LIKE 'G%%' AND o.submitted_at IS NOT NULL AND o.due_at IS NOT NULL
          AND o.state IN {OPEN_ORDER_STATES + CLOSED_ORDER_STATES}
          AND {missing.format(ct="%(order_ct)s", oid="o.id")}
        UNION ALL
        SELECT %(step_ct)s, s.id, 'Order ' || o.number || ' step ' || s.position, '{STEP_RESOURCE}', o.level,
               s.department_id, s.dispatched_at, s.due_at, s.due_at - {warn_case(STEP_RESOURCE, "o.level")},
               COALESCE(s.finished_at, s.returned_at), s.state <> 'returned'
        FROM responses_workstep s JOIN responses_order o ON o.id = s.order_id
        WHERE o.number LIKE 'G%%' AND s.dispatched_at IS NOT NULL AND s.due_at IS NOT NULL
          AND s.state IN {OPEN_STEP_STATES + ("returned",)}
          AND {missing.format(ct="%(step_ct)s", oid="s.id")}
    """
    sql = f"INSERT INTO sla_deadline ({', '.join(columns)}) SELECT {', '.join(values)} FROM ({source}) src"
    started = time.monotonic()
    indexes = list(Deadline._meta.indexes)
    with transaction.atomic():
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        with connection.cursor() as cursor:
            try:  # bulk load: the rows reference rows that exist, skip the per-row foreign-key triggers
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except Exception:  # noqa: BLE001 (not a superuser: the triggers stay on)
                pass
            cursor.execute(sql, params)
            created = cursor.rowcount
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events before CREATE INDEX
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.add_index(Deadline, index)
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, so the dashboard's covering indexes answer without the heap.
        cursor.execute("ANALYZE sla_deadline" if connection.in_atomic_block else "VACUUM ANALYZE sla_deadline")
    if stdout:
        stdout.write(f"  {created} deadlines inserted ({time.monotonic() - started:.1f}s)")
    return created
