"""Restore the database and the uploaded files from an archive made by ``backup``."""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp tải lên từ một tệp sao lưu. Kiểm tra mã sha256 của mọi tệp trước, "
        "không thay đổi gì nếu có sai lệch. Hãy dừng máy chủ web và tiến trình xử lý nền trước khi khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Tệp sao lưu .tar.gz do lệnh backup tạo ra.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Đồng ý ghi đè cơ sở dữ liệu đang có dữ liệu.",
        )

    def handle(self, *, archive, yes, **options):
        try:
            report = backup_restore(archive=archive, force=yes)
        except BackupError as error:
            raise CommandError(error.message) from None
        rows = sum(report.row_counts.values())
        created = timezone.localtime(datetime.fromisoformat(report.created_at))
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {created:%d/%m/%Y %H:%M} ({report.vendor}): "
            f"{len(report.row_counts)} bảng, {rows} dòng, {report.media_files} tệp tải lên."
        )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    "Cơ sở dữ liệu cũ hơn phiên bản phần mềm: hãy chạy “manage.py migrate” "
                    f"({len(report.pending_migrations)} bước chuyển đổi chưa áp dụng)."
                )
            )
        if report.extra_tables:
            self.stdout.write(
                self.style.WARNING(
                    "Các bảng sau không có trong bản sao lưu và vẫn giữ dữ liệu cũ: " + ", ".join(report.extra_tables)
                )
            )
        if report.mismatches:
            for table, (expected, actual) in sorted(report.mismatches.items()):
                self.stderr.write(f"  {table}: manifest {expected} dòng, sau khôi phục {actual} dòng")
            raise CommandError("Số dòng sau khôi phục không khớp với manifest.")
        self.stdout.write(self.style.SUCCESS("Số dòng của mọi bảng khớp với manifest."))
