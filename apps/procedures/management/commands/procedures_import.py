"""Import the procedure catalogue from a .json or .xlsx file (the export format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.procedures.actions import catalogue_import
from apps.procedures.catalogue_io import Problems, detect_and_read
from apps.procedures.errors import ProceduresError


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính từ tệp .json hoặc .xlsx (chạy lại cùng tệp không thay đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp .json hoặc .xlsx.")

    def handle(self, *, path, verbosity, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        problems = Problems()
        document = detect_and_read(file.name, file.read_bytes(), problems)
        if document is not None:
            try:
                report = catalogue_import(actor=None, document=document, read_problems=problems)
            except ProceduresError as error:
                problems = error.problems
            else:
                if verbosity:
                    self.stdout.write(report.summary())
                return
        for problem in problems:
            self.stderr.write(f"- {problem}")
        raise CommandError(f"Tệp có {len(problems)} lỗi, chưa lưu gì.")
