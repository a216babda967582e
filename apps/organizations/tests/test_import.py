from datetime import date

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEvent
from apps.organizations.actions import administrative_units_import
from apps.organizations.errors import OrganizationsError, OrganizationsErrorCode
from apps.organizations.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db


def test_import_gives_ha_tinh_and_its_69_communes_and_wards():
    result = administrative_units_import(actor=None, province_code=42)

    province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE)
    assert (province.code, province.name) == ("42", "Tỉnh Hà Tĩnh")
    assert communes.count() == 69
    assert communes.filter(division_type=AdministrativeUnit.DivisionType.COMMUNE).count() == 60
    assert communes.filter(division_type=AdministrativeUnit.DivisionType.WARD).count() == 9
    assert set(communes.values_list("parent", flat=True)) == {province.pk}
    assert set(communes.values_list("valid_from", flat=True)) == {date(2025, 7, 1)}
    assert communes.get(code="18754").name == "Phường Sông Trí"
    assert province.source.startswith("vietnam-provinces ")
    assert (result.created, result.changed, result.unchanged) == (70, 0, 0)


def test_import_is_idempotent_and_audited_once():
    administrative_units_import(actor=None, province_code=42)
    before = list(AdministrativeUnit.objects.values_list("pk", "code", "name", "valid_from", "valid_to"))

    result = administrative_units_import(actor=None, province_code=42)

    assert list(AdministrativeUnit.objects.values_list("pk", "code", "name", "valid_from", "valid_to")) == before
    assert (result.created, result.changed, result.unchanged) == (0, 0, 70)
    event = AuditEvent.objects.get(action="organizations.administrative_units_import")
    assert event.changes["created"] == 70


def test_a_renamed_unit_is_ended_and_a_new_row_starts():
    administrative_units_import(actor=None, province_code=42)
    AdministrativeUnit.objects.filter(code="18754").update(name="Phường Cũ")

    result = administrative_units_import(actor=None, province_code=42, valid_from=date(2026, 1, 1))

    old, new = AdministrativeUnit.objects.filter(code="18754").order_by("valid_from")
    assert (old.name, old.valid_to) == ("Phường Cũ", date(2025, 12, 31))
    assert (new.name, new.valid_from, new.valid_to) == ("Phường Sông Trí", date(2026, 1, 1), None)
    assert result.changed == 1


def test_unknown_province_is_refused_and_nothing_is_saved():
    with pytest.raises(OrganizationsError) as caught:
        administrative_units_import(actor=None, province_code=99)

    assert caught.value.code == OrganizationsErrorCode.PROVINCE_UNKNOWN
    assert "99" in caught.value.message
    assert not AdministrativeUnit.objects.exists()


def test_management_command_imports_and_reports(capsys):
    call_command("import_administrative_units", "--province", "42")
    call_command("import_administrative_units", "--province", "42")

    out = capsys.readouterr().out
    assert "70 đơn vị: 70 mới" in out
    assert "70 giữ nguyên" in out
    assert AdministrativeUnit.objects.count() == 70


def test_management_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("import_administrative_units", "--province", "42", "--valid-from", "2025-07-01")
    assert not AdministrativeUnit.objects.exists()
