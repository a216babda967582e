"""The dossier code of TT 01/2018 Art. 19: ``<agency identifier>-<YYMMDD>-<XXXX>``.

Example from a deployed system: ``000.00.14.H20-200703-0002``. The identifier is the receiving
agency's QCVN 102:2016 identifier; the date is the day of receipt in Asia/Ho_Chi_Minh; the sequence
counts the agency's dossiers of that day from 0001, drawn under a row lock so two desks receiving
at the same moment never get the same number and no number is skipped (the counter moves in the
transaction that receives the dossier: a rolled-back receipt gives its number back).
"""

import re
from datetime import date, datetime

from django.db import IntegrityError, transaction

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


def _locked_counter(model, **key):
    """The counter row for ``key``, locked; created on first use (safe when two create at once)."""
    try:
        with transaction.atomic():
            model.objects.get_or_create(**key)
    except IntegrityError:
        pass  # created by a concurrent transaction in the meantime
    return model.objects.select_for_update().get(**key)


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
    counter = _locked_counter(DossierCodeCounter, agency=agency, day=day)
    if counter.last >= MAX_PER_DAY:
        raise DomainError(DossierErrorCode.CODE_EXHAUSTED, "Đã hết số hồ sơ trong ngày của cơ quan này (9999).")
    counter.last += 1
    counter.save(update_fields=["last"])
    return dossier_code_format(identifier, day, counter.last)


def register_number_draw(agency, year: int) -> int:
    """The next number of the agency's dossier register (Form 06) in ``year``, from 1."""
    counter = _locked_counter(RegisterCounter, agency=agency, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
