"""Form 06, the dossier register (sổ theo dõi hồ sơ) of one receiving agency, as PDF and XLSX.

The register of an agency runs per year and is numbered from 01 (``Dossier.register_year`` and
``register_number``, drawn at receipt); it can be printed for any period. The rows take one query
whatever their number: the dossiers with their procedure and, by subquery, their transfer moment.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from itertools import groupby

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from apps.core.formatting import format_date
from apps.core.working_days import VN_TZ
from apps.organizations.models import Agency
from apps.procedures.models import RoutingStep

from ..errors import DossierError, DossierErrorCode
from ..models import Dossier, DossierStep
from ..statuses import Status
from .dossier_forms import FORM_TITLES, TIMELINESS_TEXT
from .rendering import A4_LANDSCAPE, letterhead, render_pdf

STATUS_TEXT = {
    Status.NEW: "Mới đăng ký",
    Status.RECEIVED: "Đã tiếp nhận",
    Status.NOT_RECEIVED: "Không tiếp nhận",
    Status.PROCESSING: "Đang giải quyết",
    Status.SUPPLEMENT_REQUESTED: "Chờ bổ sung hồ sơ",
    Status.FINANCIAL_OBLIGATION: "Chờ thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Người nộp đã rút hồ sơ",
    Status.STOPPED: "Dừng giải quyết",
    Status.DONE: "Đã có kết quả",
    Status.RETURNED: "Đã trả kết quả",
}
XLSX_HEADERS = [
    ("Năm", 7),
    ("Số thứ tự", 9),
    ("Mã hồ sơ", 26),
    ("Tên thủ tục hành chính", 40),
    ("Người nộp", 24),
    ("Địa chỉ", 30),
    ("Số điện thoại", 14),
    ("Ngày nhận", 12),
    ("Ngày hẹn trả", 12),
    ("Ngày chuyển", 12),
    ("Ngày có kết quả", 12),
    ("Ngày trả kết quả", 12),
    ("Trạng thái", 22),
    ("Kết quả giải quyết", 12),
    ("Ghi chú", 30),
]
DATE_FORMAT = "dd/mm/yyyy"
HEADER_ROW = 4


@dataclass(frozen=True)
class RegisterRow:
    year: int
    number: int
    code: str
    procedure: str
    applicant: str
    address: str
    phone: str
    received: date | None
    due: date | None
    transferred: date | None
    finished: date | None
    returned: date | None
    status: str
    timeliness: str
    note: str

    @property
    def number_text(self) -> str:
        return f"{self.number:02d}"


def _local_day(value: datetime | None) -> date | None:
    return value.astimezone(VN_TZ).date() if value is not None else None


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise DossierError(
            DossierErrorCode.NOT_FOUND,
            f"Thời kỳ không hợp lệ: ngày bắt đầu {format_date(start)} sau ngày kết thúc {format_date(end)}.",
        )


def register_rows(agency: Agency, start: date, end: date) -> list[RegisterRow]:
    """The register entries of dossiers ``agency`` received from ``start`` to ``end`` (inclusive)."""
    _check_period(start, end)
    transferred = (
        DossierStep.objects.filter(dossier=OuterRef("pk"), started_at__isnull=False)
        .exclude(kind=RoutingStep.Kind.INTAKE)
        .order_by("started_at")
        .values("started_at")[:1]
    )
    dossiers = (
        Dossier.objects.filter(
            receiving_agency=agency,
            register_number__isnull=False,
            received_at__gte=datetime.combine(start, time.min, VN_TZ),
            received_at__lt=datetime.combine(end + timedelta(days=1), time.min, VN_TZ),
        )
        .select_related("procedure")
        .annotate(transferred_at=Subquery(transferred))
        .order_by("register_year", "register_number")
    )
    rows = []
    for d in dossiers:
        notes = []
        if d.original_due_at and d.due_at and d.due_at != d.original_due_at:
            notes.append(f"Hẹn ban đầu {format_date(d.original_due_at)}")
        if d.apologised_at:
            notes.append("Đã xin lỗi, hẹn lại (mẫu 04)")
        rows.append(
            RegisterRow(
                year=d.register_year,
                number=d.register_number,
                code=d.code or "",
                procedure=d.procedure.name,
                applicant=d.applicant_name,
                address=d.applicant_address,
                phone=d.applicant_phone,
                received=_local_day(d.received_at),
                due=_local_day(d.due_at),
                transferred=_local_day(d.transferred_at),
                finished=_local_day(d.finished_at),
                returned=_local_day(d.returned_at),
                status=STATUS_TEXT.get(d.status, ""),
                timeliness=TIMELINESS_TEXT.get(d.timeliness, ""),
                note="; ".join(notes),
            )
        )
    return rows


def register_pdf(agency: Agency, start: date, end: date) -> bytes:
    """Form 06 for ``agency`` and the period, on A4 landscape, one block per register year."""
    rows = register_rows(agency, start, end)
    years = [(year, list(entries)) for year, entries in groupby(rows, key=lambda r: r.year)]
    context = {
        "title": FORM_TITLES[6],
        "form_number": "06",
        "letterhead": letterhead(agency, timezone.localdate()),
        "agency_name": agency.name,
        "start": format_date(start),
        "end": format_date(end),
        "years": years,
        "several_years": len(years) > 1,
        "count": len(rows),
    }
    return render_pdf("dossiers/forms/register.html", context, page=A4_LANDSCAPE)


def _text_cell(cell, value: str) -> None:
    cell.value = value
    if value.startswith("="):
        cell.data_type = "s"  # never a formula: names and addresses come from applicants


def register_xlsx(agency: Agency, start: date, end: date) -> bytes:
    """The same register as a spreadsheet: Vietnamese headers, real dates shown dd/mm/yyyy."""
    rows = register_rows(agency, start, end)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ theo dõi hồ sơ"
    sheet["A1"] = f"{FORM_TITLES[6].upper()} – {agency.name}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"Từ ngày {format_date(start)} đến ngày {format_date(end)}"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (header, width) in enumerate(XLSX_HEADERS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(column)].width = width
    for offset, row in enumerate(rows, start=1):
        values = [
            row.year,
            row.number,
            row.code,
            row.procedure,
            row.applicant,
            row.address,
            row.phone,
            row.received,
            row.due,
            row.transferred,
            row.finished,
            row.returned,
            row.status,
            row.timeliness,
            row.note,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=column)
            if isinstance(value, str):
                _text_cell(cell, value)
            else:
                cell.value = value
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    last = get_column_letter(len(XLSX_HEADERS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(rows), 1)}"
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    book.properties.creator = "egov Hà Tĩnh"
    book.properties.title = f"{FORM_TITLES[6]} – {agency.name}"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
