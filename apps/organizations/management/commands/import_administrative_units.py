"""Import a province's current administrative units from the ``vietnam-provinces`` package."""

import argparse
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.organizations.actions import POST_REFORM_VALID_FROM, administrative_units_import
from apps.organizations.errors import OrganizationsError


def _parse_day(value: str):
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"Ngày “{value}” không đúng dạng dd/mm/yyyy.") from None


class Command(BaseCommand):
    help = "Nhập tỉnh và các xã, phường hiện hành từ gói vietnam-provinces (chạy lại không tạo bản trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, type=int, help="Mã tỉnh theo Tổng cục Thống kê, ví dụ 42.")
        parser.add_argument(
            "--valid-from",
            type=_parse_day,
            default=POST_REFORM_VALID_FROM,
            help="Ngày các đơn vị bắt đầu có hiệu lực (dd/mm/yyyy), mặc định 01/07/2025.",
        )

    def handle(self, *, province, valid_from, verbosity, **options):
        try:
            result = administrative_units_import(actor=None, province_code=province, valid_from=valid_from)
        except OrganizationsError as error:
            raise CommandError(error.message) from error
        if verbosity:
            self.stdout.write(
                f"{len(result.units)} đơn vị: {result.created} mới, {result.changed} thay đổi, "
                f"{result.unchanged} giữ nguyên."
            )
