"""Rebuild the catalogue search index from the procedures (after a bulk load, or to repair it)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.procedures.search import search_index_rebuild


class Command(BaseCommand):
    help = "Dựng lại chỉ mục tìm kiếm danh mục thủ tục hành chính từ dữ liệu thủ tục."

    def handle(self, *, verbosity, **options):
        with transaction.atomic():
            count = search_index_rebuild()
        if verbosity:
            self.stdout.write(f"Đã dựng lại chỉ mục tìm kiếm cho {count} thủ tục.")
