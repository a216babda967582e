"""The dossier code of TT 01/2018 Art. 19: ``<agency identifier>-<YYMMDD>-<XXXX>``.

Example from a deployed system: ``000.00.14.H20-200703-0002``. The identifier is the receiving
agency's QCVN 102:2016 identifier; the date is the day of receipt in Asia/Ho_Chi_Minh; the sequence
counts the agency's dossiers of that day from 0001, drawn under a row lock so two desks receiving
at the same moment never get the same number and no number is skipped (the counter moves in the
transaction that receives the dossier: a rolled-back receipt gives its number back).
"""

import re
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction

from apps.core.errors import DomainError
from apps.core.working_days import VN_TZ
from apps.organizations.identifiers import agency_identifier_validate

from .errors import DossierErrorCode
from .models import DossierCodeCounter, RegisterCounter

CODE_PATTERN = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<day>\d{6})-(?P<seq>\d{4})$")
MAX_PER_DAY = 9999


def dossier_code_format(agency_identifier: str, day: date, sequence: int) -> str:
    """'000.00.14.H20', 3 July 2020, 2 → '000.00.14.H20-200703-0002'."""
    if not 1 <= sequence <= MAX_PER_DAY:
        raise ValueError("sequence out of range")
    return f"{agency_identifier}-{day:%y%m%d}-{sequence:04d}"


def dossier_code_parse(code: str) -> tuple[str, date, int] | None:
    """(agency identifier, day, sequence) of a well-formed code, else None."""
    match = CODE_PATTERN.match((code or "").strip().upper())
    if not match:
        return None
    try:
        day = datetime.strptime(match["day"], "%y%m%d").date()
    except ValueError:
        return None
    return match["agency"], day, int(match["seq"])


def _counter_step(model, key: dict, limit: int | None) -> int | None:
    """Add one to the counter row of ``key`` and give its new value, in one statement.

    The UPDATE takes the row lock until the caller's transaction ends, so a concurrent drawer waits
    and then counts on from the committed value. None: no row yet, or the row is at ``limit``.
    """
    quote = connection.ops.quote_name
    columns, params = [], []
    for name, value in key.items():
        field = model._meta.get_field(name)
        columns.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_value(value.pk if hasattr(value, "pk") else value, connection))
    where = " AND ".join(columns)
    if limit is not None:
        where += f" AND {quote('last')} < %s"
        params.append(limit)
    table = quote(model._meta.db_table)
    sql = f"UPDATE {table} SET {quote('last')} = {quote('last')} + 1 WHERE {where} RETURNING {quote('last')}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _counter_next(model, *, limit: int | None = None, **key) -> int | None:
    """The next value of the counter of ``key``, made on first use (safe when two make it at once);
    None when the counter is at ``limit``."""
    value = _counter_step(model, key, limit)
    if value is None:
        try:
            with transaction.atomic():
                model.objects.get_or_create(**key)
        except IntegrityError:
            pass  # made by a concurrent transaction in the meantime
        value = _counter_step(model, key, limit)
    return value


def dossier_code_draw(agency, received_at: datetime) -> str:
    """The next code of ``agency`` for the day of ``received_at``; call inside the receipt's transaction."""
    identifier = agency.identifier
    try:
        agency_identifier_validate(identifier)
    except DomainError:
        raise DomainError(
            DossierErrorCode.AGENCY_WITHOUT_IDENTIFIER,
            f"{agency} chưa có mã định danh hợp lệ (QCVN 102:2016) nên chưa thể cấp mã hồ sơ.",
        ) from None
    day = received_at.astimezone(VN_TZ).date()
    sequence = _counter_next(DossierCodeCounter, limit=MAX_PER_DAY, agency=agency, day=day)
    if sequence is None:
        raise DomainError(DossierErrorCode.CODE_EXHAUSTED, "Đã hết số hồ sơ trong ngày của cơ quan này (9999).")
    return dossier_code_format(identifier, day, sequence)


def register_number_draw(agency, year: int) -> int:
    """The next number of the agency's dossier register (Form 06) in ``year``, from 1."""
    return _counter_next(RegisterCounter, agency=agency, year=year)
