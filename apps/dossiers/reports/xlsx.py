"""The statistics as an XLSX workbook (openpyxl): a summary sheet, then one sheet per breakdown."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from apps.core.formatting import format_datetime

from .presentation import BREAKDOWN_COLUMNS, TABLE_ROWS
from .selectors import FIGURE_LABELS, Breakdown, Statistics

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_KEYS = [key for key, _label in BREAKDOWN_COLUMNS]


def _text(sheet: Worksheet, row: int, column: int, value: str, *, bold: bool = False) -> None:
    """Write text as text: a value starting with '=' must never become a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)


def _rate(sheet: Worksheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column, value=None if value is None else float(value) / 100)
    cell.number_format = "0.0%"


def _summary(sheet: Worksheet, stats: Statistics) -> None:
    sheet.title = _("Summary")[:31]
    _text(sheet, 1, 1, _("Dossier statistics"), bold=True)
    _text(sheet, 2, 1, _("Agency"))
    _text(sheet, 2, 2, stats.agency.name)
    _text(sheet, 3, 1, _("Agency identifier"))
    _text(sheet, 3, 2, stats.agency.identifier)
    _text(sheet, 4, 1, _("Period"))
    _text(sheet, 4, 2, str(stats.period))
    _text(sheet, 5, 1, _("Figures as of"))
    _text(sheet, 5, 2, format_datetime(stats.as_of))
    _text(sheet, 7, 1, _("Figure"), bold=True)
    _text(sheet, 7, 2, _("Dossiers"), bold=True)
    values = stats.totals.as_dict()
    row = 8
    for key, level in TABLE_ROWS:
        _text(sheet, row, 1, "    " * level + str(FIGURE_LABELS[key]))
        sheet.cell(row=row, column=2, value=values[key])
        row += 1
    _text(sheet, row, 1, _("On-time rate"))
    _rate(sheet, row, 2, stats.totals.on_time_rate)
    _text(sheet, row + 1, 1, _("Average processing time (working days)"))
    sheet.cell(row=row + 1, column=2, value=None if stats.average_days is None else float(stats.average_days))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 40


def _breakdown(sheet: Worksheet, title: str, rows: list[Breakdown], code_label: str) -> None:
    sheet.title = title[:31]
    headers = [code_label, _("Name"), *[str(FIGURE_LABELS[k]) for k in BREAKDOWN_KEYS], _("On-time rate")]
    for column, header in enumerate(headers, start=1):
        _text(sheet, 1, column, header, bold=True)
    for index, item in enumerate(rows, start=2):
        _text(sheet, index, 1, item.code)
        _text(sheet, index, 2, item.name)
        values = item.figures.as_dict()
        for column, key in enumerate(BREAKDOWN_KEYS, start=3):
            sheet.cell(row=index, column=column, value=values[key])
        _rate(sheet, index, len(headers), item.figures.on_time_rate)
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 60


def statistics_workbook(stats: Statistics) -> bytes:
    """The workbook of ``stats`` as bytes."""
    workbook = Workbook()
    _summary(workbook.active, stats)
    _breakdown(workbook.create_sheet(), _("By procedure"), stats.by_procedure, _("Procedure code"))
    _breakdown(workbook.create_sheet(), _("By sector"), stats.by_sector, _("Sector code"))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
