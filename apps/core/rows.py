"""Insert new model instances with one statement whose text is built once per model and row count.

``QuerySet.bulk_create`` compiles its INSERT anew on every call: for each value it re-checks for
expressions, database defaults and placeholders, and quotes every column again. On the desk
intake (six INSERTs of about 280 values) that compilation took a third of the action's time.
``rows_insert`` writes the same rows with the same values — each field's own ``pre_save`` and
``get_db_prep_save``, so defaults, ``auto_now``, foreign keys given as objects, UUIDs, JSON and
aware datetimes are converted exactly as Django converts them — and reuses the statement text.

It takes plain values only (no expressions, no ``db_default``), sends no signals (as
``bulk_create``) and bypasses the model's default manager, so a manager that refuses bulk writes
must be guarded by its caller (``audit_append`` is the one path into the audit trail).
"""

from django.db import connections, models, router, transaction


class _Plan:
    __slots__ = ("fields", "prefix", "returning", "returning_sql", "row", "statements")

    def __init__(self, model, connection):
        quote = connection.ops.quote_name
        opts = model._meta
        self.returning = list(opts.db_returning_fields)
        self.fields = [f for f in opts.concrete_fields if f not in self.returning]
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.prefix = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the model)
        self.row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.returning_sql = (
            " RETURNING " + ", ".join(quote(f.column) for f in self.returning) if self.returning else ""
        )
        self.statements: dict[int, str] = {}

    def statement(self, count: int) -> str:
        text = self.statements.get(count)
        if text is None:
            text = self.statements[count] = self.prefix + ", ".join([self.row] * count) + self.returning_sql
        return text


_PLANS: dict[tuple, _Plan] = {}


def _plan(model, connection) -> _Plan | None:
    key = (model, connection.alias)
    plan = _PLANS.get(key)
    if plan is None:
        usable = (
            connection.features.can_return_rows_from_bulk_insert
            and not model._meta.parents  # a child table of multi-table inheritance: bulk_create says no
            and all(not f.has_db_default() and not f.generated for f in model._meta.concrete_fields)
        )
        plan = _PLANS[key] = _Plan(model, connection) if usable else False
    return plan or None


def rows_insert(objs: list[models.Model], *, using: str | None = None) -> list[models.Model]:
    """INSERT ``objs`` — new instances of one model, primary keys not set — and set their keys.

    Falls back to ``bulk_create`` where the database cannot return the new keys of a multi-row
    INSERT or the model has database-computed columns."""
    if not objs:
        return objs
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("rows_insert: mọi đối tượng phải cùng một mô hình.")
    alias = using or router.db_for_write(model, instance=objs[0])
    connection = connections[alias]
    plan = _plan(model, connection)
    if plan is None or any(obj.pk is not None for obj in objs):
        return models.QuerySet(model).using(alias).bulk_create(objs)
    fields = plan.fields
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    batches = []  # values first: what cannot be written is refused before anything is
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        params = []
        for obj in batch:
            obj._prepare_related_fields_for_save(operation_name="rows_insert")
            for field in fields:
                value = field.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):
                    raise TypeError(f"rows_insert: {model.__name__}.{field.name} là biểu thức, không phải giá trị.")
                params.append(field.get_db_prep_save(value, connection))
        batches.append((batch, params))
    # Several statements are one write: all or none, as bulk_create (no savepoint when it is one).
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for batch, params in batches:
            cursor.execute(plan.statement(len(batch)), params)
            if plan.returning:
                for obj, returned in zip(batch, cursor.fetchall(), strict=True):
                    for field, value in zip(plan.returning, returned, strict=True):
                        setattr(obj, field.attname, value)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return objs
