"""Export the procedure catalogue to a .json or .xlsx file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.procedures.catalogue_io import catalogue_document, json_dumps, workbook_bytes


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục hành chính ra tệp .json hoặc .xlsx (theo đuôi tệp)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp .json hoặc .xlsx sẽ ghi.")

    def handle(self, *, path, verbosity, **options):
        file = Path(path)
        suffix = file.suffix.lower()
        if suffix not in {".json", ".xlsx"}:
            raise CommandError("Chỉ xuất ra tệp .json hoặc .xlsx.")
        document = catalogue_document()
        file.write_bytes(json_dumps(document) if suffix == ".json" else workbook_bytes(document))
        if verbosity:
            self.stdout.write(f"Đã xuất {len(document['procedures'])} thủ tục ra {file}.")
