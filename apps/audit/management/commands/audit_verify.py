"""manage.py audit_verify: re-compute the audit hash chain; exit status 1 when it is broken."""

import sys

from django.core.management.base import BaseCommand

from apps.audit.verification import audit_chain_verify


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Kiểm tra chuỗi mã băm của nhật ký kiểm toán; trả về mã thoát 1 khi chuỗi bị phá vỡ."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=5000, help="Số sự kiện đọc mỗi lần (mặc định 5000).")

    def handle(self, *args, chunk_size: int, **options):
        report = audit_chain_verify(chunk_size=max(1, chunk_size))
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Chuỗi nhật ký toàn vẹn: đã kiểm tra {_number(report.checked)} sự kiện "
                    f"(đến sự kiện #{report.head_seq})."
                )
            )
            return
        where = f"sự kiện #{report.broken_seq}"
        if report.broken_uuid:
            where += f" ({report.broken_uuid})"
        self.stderr.write(
            self.style.ERROR(f"Chuỗi nhật ký bị phá vỡ tại {where}.")
            + f"\nLý do: {report.reason}"
            + f"\nĐã kiểm tra {_number(report.checked)} sự kiện hợp lệ trước đó."
        )
        sys.exit(1)
