"""Back up the database and the uploaded files into one .tar.gz archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, backup_create, default_backup_path


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và toàn bộ tệp tải lên vào một tệp .tar.gz (kèm manifest.json có mã kiểm tra "
        "sha256). Chạy được khi hệ thống đang hoạt động."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Đường dẫn tệp sao lưu (mặc định: var/backups/egov-YYYYmmdd-HHMMSS.tar.gz).",
        )

    def handle(self, *, output, **options):
        try:
            path = backup_create(output=output or default_backup_path())
        except BackupError as error:
            raise CommandError(error.message) from None
        size_mb = path.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {path} ({size_mb:.1f} MB)."))
