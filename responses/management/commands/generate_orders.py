"""Generate realistic volumes of business-response orders for benches (issue 3, data volume).

    manage.py generate_orders                 # 1,000,000 orders with steps across 12 months
    manage.py generate_orders --orders 20000  # a smaller set
    manage.py generate_orders --deadlines-only  # add the missing deadlines of orders generated before

Orders are spread over the last 12 months; most are closed (confirmed, auto-confirmed, archived),
those of the last days are open (submitted, accepted, in progress with dispatched/accepted steps),
so the back-office queues hold what a real day holds. Their ``sla.Deadline`` rows are created too
(provisioning per order, step-resource per dispatched step), so the overdue dashboard has figures.
On PostgreSQL rows go in with COPY; elsewhere with bulk_create. Generated order numbers start with
"G" so they never collide with real ones.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from billing.models import Customer
from org.defaults import load_organisation
from org.roles import Role, ensure_role_groups
from responses.defaults import load_catalogue
from responses.models import BusinessType, Order, WorkStep

from ..volume import Writer, generate_deadlines

FRONT = [("gov_enterprise", 50), ("public", 30), ("hotline", 10), ("market", 10)]
BACK = ["nmc", "line", "wireless", "netbuild", "netmgmt", "vas"]
LEVELS = [("A", 8), ("B", 18), ("C", 74)]
LIMIT = {"A": timedelta(days=3), "B": timedelta(days=5), "C": timedelta(days=10)}
STEP_LIMIT = {"A": timedelta(days=1), "B": timedelta(days=2), "C": timedelta(days=3)}


def _weighted(pairs):
    out = []
    for value, weight in pairs:
        out += [value] * weight
    return out


class Command(BaseCommand):
    help = "Generate orders with steps across 12 months for benches (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=1_000_000)
        parser.add_argument("--customers", type=int, default=20_000)
        parser.add_argument("--open-days", type=int, default=10, help="orders of the last N days are open")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--python", action="store_true", help="generate rows in Python even on PostgreSQL")
        parser.add_argument(
            "--deadlines-only",
            action="store_true",
            help="only create the missing sla.Deadline rows of orders generated before (no new orders)",
        )

    def handle(self, *args, orders, customers, open_days, seed, python=False, deadlines_only=False, **options):
        rng = random.Random(seed)
        started = time.monotonic()
        if deadlines_only:
            created = generate_deadlines(now=timezone.now(), stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"Created {created} deadlines in {time.monotonic() - started:.1f}s"))
            return
        departments = load_organisation()
        ensure_role_groups()
        types = list(load_catalogue().values())
        users = self._users(departments)
        customer_rows = self._customers(customers, rng)
        self.stdout.write(f"{len(customer_rows)} customers ready ({time.monotonic() - started:.1f}s)")

        now = timezone.now()
        if connection.vendor == "postgresql" and not python:
            # Bulk load: drop the list indexes, insert, build them again in one go (much faster).
            indexes = [(model, index) for model in (Order, WorkStep) for index in model._meta.indexes]
            with connection.schema_editor() as editor:
                for _model, index in indexes:
                    editor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
            try:
                self._generate_in_sql(
                    orders=orders, departments=departments, users=users, now=now, open_days=open_days, rng=rng
                )
            finally:
                with connection.schema_editor() as editor:
                    for model, index in indexes:
                        editor.add_index(model, index)
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE responses_order")
                    cursor.execute("ANALYZE responses_workstep")
            generate_deadlines(now=now, stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"Generated {orders} orders in {time.monotonic() - started:.1f}s"))
            return
        first_id = (Order.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        first_step_id = (WorkStep.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        order_columns = [
            "id", "number", "front_department_id", "customer_id", "business_type_id", "quantity", "level",
            "location", "contact_person", "contact_phone", "agreement_ref", "is_key_customer", "is_key_business",
            "is_key_area", "key_rank", "state", "created_by_id", "created_at", "submitted_at", "signed_at",
            "accepted_at", "completed_at", "confirmed_at", "due_at", "assessed_level",
        ]  # fmt: skip
        step_columns = [
            "id", "order_id", "position", "department_id", "title", "key_rank", "state", "dispatched_at", "due_at",
            "accepted_at", "finished_at", "returned_at", "overtime", "assessed_overtime",
        ]  # fmt: skip
        order_writer = Writer(Order, order_columns)
        step_writer = Writer(WorkStep, step_columns)
        fronts = [departments[c] for c in _weighted(FRONT)]
        backs = [departments[c].pk for c in BACK]
        levels = _weighted(LEVELS)
        span = timedelta(days=365).total_seconds()
        open_cut = now - timedelta(days=open_days)
        step_id = first_step_id
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Bulk load: the generated rows reference rows that exist, so skip the per-row
                    # foreign-key triggers for this transaction (needs a superuser; ignored otherwise).
                    try:
                        with transaction.atomic():
                            cursor.execute("SET LOCAL session_replication_role = replica")
                    except Exception:  # noqa: BLE001
                        self.stdout.write("foreign-key triggers stay on (not a superuser)")
            for i in range(orders):
                oid = first_id + i
                submitted = now - timedelta(seconds=rng.random() * span)
                front = rng.choice(fronts)
                level = rng.choice(levels)
                btype = rng.choice(types)
                cust_pk, cust_key = customer_rows[rng.randrange(len(customer_rows))]
                key_area = rng.random() < 0.05
                key_rank = int(cust_key) + int(btype.is_key) + int(key_area)
                due = submitted + LIMIT[level]
                n_steps = rng.choice((1, 2, 2, 3))
                accepted = submitted + timedelta(hours=rng.uniform(0.2, 6))
                if submitted >= open_cut:
                    state = rng.choice(("submitted", "accepted", "in_progress", "in_progress", "in_progress"))
                    if state == "in_progress" and accepted > now:
                        accepted = now - timedelta(minutes=5)
                    current = rng.randrange(n_steps) if state == "in_progress" else None
                    completed = confirmed = None
                else:
                    state = rng.choice(("archived", "archived", "confirmed", "auto_confirmed"))
                    current = None
                    completed = accepted + timedelta(days=rng.uniform(0.5, LIMIT[level].days * 1.2))
                    confirmed = completed + timedelta(days=rng.uniform(0.1, 2))
                order_writer.add((
                    oid, f"G{submitted:%Y%m}-{oid:08d}", front.pk, cust_pk, btype.pk, rng.randint(1, 5), level,
                    f"金融街 {i} 号" if key_area else f"城区 {i % 997} 号", "联系人", "13800000000",
                    f"GEN-{oid}" if btype.needs_agreement else "", cust_key, btype.is_key, key_area, key_rank,
                    state, users[front.code], submitted, submitted,
                    submitted + timedelta(hours=1) if level == "A" else None,
                    None if state == "submitted" else accepted, completed, confirmed, due, level,
                ))  # fmt: skip
                if state in ("submitted", "accepted"):
                    continue
                t = accepted
                for position in range(1, n_steps + 1):
                    dept = backs[(oid + position) % len(backs)]
                    limit = STEP_LIMIT[level]
                    if current is None or position - 1 < current:
                        finished = t + timedelta(hours=rng.uniform(1, limit.total_seconds() / 3600 * 1.3))
                        row = (step_id, oid, position, dept, "工序", key_rank, "returned", t, t + limit, t, finished,
                               finished + timedelta(minutes=30), finished > t + limit)  # fmt: skip
                        t = finished + timedelta(minutes=30)
                    elif position - 1 == current:
                        t = min(t, now - timedelta(minutes=1))
                        step_state = rng.choice(("dispatched", "accepted"))
                        row = (step_id, oid, position, dept, "工序", key_rank, step_state, t, t + limit,
                               t if step_state == "accepted" else None, None, None, False)  # fmt: skip
                    else:
                        row = (
                            step_id,
                            oid,
                            position,
                            dept,
                            "工序",
                            key_rank,
                            "pending",
                            None,
                            None,
                            None,
                            None,
                            None,
                            False,
                        )
                    step_writer.add((*row, row[-1]))  # assessed as served: generated orders keep their level
                    step_id += 1
                if (i + 1) % 100_000 == 0:
                    self.stdout.write(f"  {i + 1} orders ({time.monotonic() - started:.1f}s)")
            order_writer.flush()
            step_writer.flush()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for model in (Order, WorkStep):
                        table = model._meta.db_table
                        cursor.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE responses_order")
                cursor.execute("ANALYZE responses_workstep")
        created = generate_deadlines(now=now)
        self.stdout.write(f"  {created} deadlines")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {orders} orders and {step_id - first_step_id} steps in {time.monotonic() - started:.1f}s"
            )
        )

    @transaction.atomic
    def _generate_in_sql(self, *, orders, departments, users, now, open_days, rng):
        """PostgreSQL: INSERT … SELECT over generate_series, computed by the server (a million rows
        in well under a minute). Same distribution as the Python path."""
        front_ids = [departments[c].pk for c in _weighted(FRONT)]
        user_of = {departments[c].pk: users[c] for c, _w in FRONT}
        back_ids = [departments[c].pk for c in BACK]
        user_case = " ".join(f"WHEN {d} THEN {u}" for d, u in user_of.items())
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM responses_order")
            base = cursor.fetchone()[0]
            # The server's random() follows --seed too, so a seed gives the same volume on both paths' runs.
            cursor.execute("SELECT setseed(%s)", [rng.random()])
            cursor.execute("SET LOCAL session_replication_role = replica")
            t0 = time.monotonic()
            cursor.execute(
                f"""
                WITH src AS (
                    SELECT g AS i, %(base)s + g AS oid,
                           %(now)s::timestamptz - random() * interval '365 days' AS submitted,
                           (%(fronts)s::int[])[1 + floor(random() * %(nfronts)s)::int] AS front,
                           random() AS rl, random() AS rs, random() AS ra, random() AS rk,
                           1 + floor(random() * %(ncust)s)::int AS cust_rn,
                           1 + floor(random() * %(ntypes)s)::int AS type_rn
                    FROM generate_series(1, %(n)s) g
                ), picked AS (
                    SELECT src.*,
                           CASE WHEN rl < 0.08 THEN 'A' WHEN rl < 0.26 THEN 'B' ELSE 'C' END AS lvl,
                           rk < 0.05 AS key_area
                    FROM src
                ), custs AS (
                    SELECT id, is_key, row_number() OVER (ORDER BY id) AS rn
                    FROM billing_customer WHERE code LIKE 'GEN-%%'
                ), types AS (
                    SELECT id, is_key, needs_agreement, row_number() OVER (ORDER BY id) AS rn
                    FROM responses_businesstype
                ), timed AS (
                    SELECT p.*, c.id AS cust, b.id AS btype, c.is_key AS key_cust, b.is_key AS key_bus,
                           b.needs_agreement,
                           CASE p.lvl WHEN 'A' THEN interval '3 days' WHEN 'B' THEN interval '5 days'
                                ELSE interval '10 days' END AS lim,
                           p.submitted + interval '1 hour' * (0.2 + 5.8 * random()) AS acc,
                           CASE WHEN p.submitted >= %(now)s::timestamptz - %(open_days)s * interval '1 day' THEN
                                (ARRAY['submitted','accepted','in_progress','in_progress','in_progress'])
                                    [1 + floor(p.rs * 5)::int]
                                ELSE (ARRAY['archived', 'archived', 'confirmed', 'auto_confirmed'])
                                    [1 + floor(p.rs * 4)::int]
                           END AS st
                    FROM picked p
                    JOIN custs c ON c.rn = p.cust_rn
                    JOIN types b ON b.rn = p.type_rn
                )
                INSERT INTO responses_order (
                    id, number, front_department_id, customer_id, business_type_id, quantity, interface_requirements,
                    level, location, contact_person, contact_phone, description, agreement_ref, is_important,
                    is_emergency, is_restricted_site, worker_names, no_resources, is_key_customer, is_key_business,
                    is_key_area, key_rank, state, created_by_id, created_at, submitted_at, signed_at, accepted_at,
                    completed_at, confirmed_at, due_at, clarification, mediation_notes, assessed_level,
                    assessment_reason, over_quota, quota_decided)
                SELECT oid, 'G' || to_char(submitted, 'YYYYMM') || '-' || lpad(oid::text, 8, '0'), front, cust, btype,
                       1 + (i %% 5), '', lvl,
                       CASE WHEN key_area THEN '金融街 ' || i || ' 号' ELSE '城区 ' || (i %% 997) || ' 号' END,
                       '联系人', '13800000000', '', CASE WHEN needs_agreement THEN 'GEN-' || oid ELSE '' END,
                       false, false, false, '', false, key_cust, key_bus, key_area,
                       key_cust::int + key_bus::int + key_area::int, st,
                       CASE front {user_case} END, submitted, submitted,
                       CASE WHEN lvl = 'A' THEN submitted + interval '1 hour' END,
                       CASE WHEN st = 'submitted' THEN NULL ELSE LEAST(acc, %(now)s::timestamptz) END,
                       CASE WHEN st IN ('archived','confirmed','auto_confirmed') THEN acc + lim * random() * 1.2 END,
                       CASE WHEN st IN ('archived','confirmed','auto_confirmed') THEN acc + lim * 1.3 END,
                       submitted + lim, '', '', lvl, '', false, false
                FROM timed
                """,
                {
                    "base": base,
                    "now": now,
                    "fronts": front_ids,
                    "nfronts": len(front_ids),
                    "ncust": Customer.objects.filter(code__startswith="GEN-").count(),
                    "ntypes": BusinessType.objects.count(),
                    "n": orders,
                    "open_days": open_days,
                },
            )
            self.stdout.write(f"  orders inserted ({time.monotonic() - t0:.1f}s)")
            # Steps: 1–3 per dispatched order; the last one of an order in progress is open.
            cursor.execute(
                """
                INSERT INTO responses_workstep (
                    order_id, position, department_id, title, key_rank, state, dispatched_at, due_at, accepted_at,
                    finished_at, returned_at, unfinished, obstruction, overtime, overtime_reason, comment,
                    assessed_overtime)
                SELECT o.id, p, (%(backs)s::int[])[1 + ((o.id + p) %% %(nbacks)s)], '工序', o.key_rank,
                       CASE WHEN o.state <> 'in_progress' OR p < n THEN 'returned'
                            WHEN o.id %% 2 = 0 THEN 'dispatched' ELSE 'accepted' END,
                       LEAST(o.accepted_at + (p - 1) * lim, %(now)s::timestamptz),
                       LEAST(o.accepted_at + (p - 1) * lim, %(now)s::timestamptz) + lim,
                       CASE WHEN o.state <> 'in_progress' OR p < n OR o.id %% 2 = 1
                            THEN LEAST(o.accepted_at + (p - 1) * lim, %(now)s::timestamptz) END,
                       CASE WHEN o.state <> 'in_progress' OR p < n
                            THEN o.accepted_at + (p - 1) * lim + lim * (o.id %% 13) / 10.0 END,
                       CASE WHEN o.state <> 'in_progress' OR p < n
                            THEN o.accepted_at + (p - 1) * lim + lim * (o.id %% 13) / 10.0 + interval '30 minutes' END,
                       false, false, (o.id %% 13) > 10, '', '', (o.id %% 13) > 10
                FROM (SELECT id, state, accepted_at, key_rank, 1 + (id %% 3) AS n,
                             CASE level WHEN 'A' THEN interval '1 day' WHEN 'B' THEN interval '2 days'
                                  ELSE interval '3 days' END AS lim
                      FROM responses_order WHERE id > %(base)s AND state NOT IN ('submitted', 'accepted')) o
                CROSS JOIN LATERAL generate_series(1, o.n) p
                """,
                {"backs": back_ids, "nbacks": len(back_ids), "base": base, "now": now},
            )
            self.stdout.write(f"  steps inserted ({time.monotonic() - t0:.1f}s)")
            for table in ("responses_order", "responses_workstep"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")

    def _users(self, departments):
        User = get_user_model()
        groups = ensure_role_groups()
        users = {}
        for code, _weight in FRONT:
            user = User.objects.filter(department=departments[code], groups__name=Role.FRONT_ADMIN).first()
            if user is None:
                user = User.objects.create(username=f"gen_{code}", department=departments[code])
                user.groups.add(groups[Role.FRONT_ADMIN])
            users[code] = user.pk
        return users

    def _customers(self, count, rng):
        existing = list(Customer.objects.filter(code__startswith="GEN-").values_list("pk", "is_key"))
        if len(existing) < count:
            start = len(existing)
            Customer.objects.bulk_create(
                [
                    Customer(code=f"GEN-{n:07d}", name=f"客户{n}", is_key=rng.random() < 0.05)
                    for n in range(start, count)
                ],
                batch_size=5000,
            )
            existing = list(Customer.objects.filter(code__startswith="GEN-").values_list("pk", "is_key"))
        return existing
