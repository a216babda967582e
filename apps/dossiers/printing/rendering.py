"""HTML → PDF with WeasyPrint, set in the shipped TeX Gyre Termes and fetching nothing remote.

Every ``@font-face`` points at ``settings.FONTS_DIR`` through a ``file://`` URL, so the output
never depends on the fonts of the machine. The URL fetcher refuses anything but ``data:`` URLs
and files under the font and static folders: a template that names a remote resource (or a path
outside the project) prints without it instead of reaching the network or the file system.
"""

import functools
import mimetypes
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.selectors import home_agency
from apps.organizations.models import Agency, Level

FONT_FAMILY = "TeX Gyre Termes"
FONT_FACES = (
    ("texgyretermes-regular.otf", 400, "normal"),
    ("texgyretermes-bold.otf", 700, "normal"),
    ("texgyretermes-italic.otf", 400, "italic"),
    ("texgyretermes-bolditalic.otf", 700, "italic"),
)

# TT 01/2018: forms 01–05 on A5, the register (06) on A4. Margins of Decree 30/2020 (top and bottom
# 20–25 mm, left 30–35, right 15–20) on A4; scaled by 1/√2 on A5 and kept readable.
A5_PORTRAIT = "A5 portrait"
A4_LANDSCAPE = "A4 landscape"
MARGINS = {A5_PORTRAIT: "14mm 10mm 14mm 20mm", A4_LANDSCAPE: "20mm 15mm 20mm 30mm"}

PROVINCE_PLACE = "Hà Tĩnh"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
_COMMUNE_PREFIXES = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")


class ResourceRefused(ValueError):
    """A printed form asked for something other than a shipped font or static file."""


def local_file(url: str, roots: list[Path]) -> Path | None:
    """The file a ``file:`` URL names when it lies under one of ``roots``, else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in {"", "localhost"}:
        return None
    path = Path(url2pathname(parts.path)).resolve()
    return path if path.is_file() and any(path.is_relative_to(root) for root in roots) else None


@functools.cache
def fetcher_class():
    """Build WeasyPrint's URL fetcher narrowed to local files.

    Built on first use: importing WeasyPrint takes over a second, which no web or task process
    should pay before it prints something.
    """
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class LocalFilesFetcher(URLFetcher):
        """Serve ``data:`` URLs and files under the given folders; refuse everything else."""

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [Path(root).resolve() for root in roots]

        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = local_file(url, self.roots)
            if path is None:
                raise ResourceRefused(f"Mẫu in chỉ dùng phông chữ và tệp tĩnh của hệ thống, không tải: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return LocalFilesFetcher


def fetcher():
    return fetcher_class()([Path(settings.FONTS_DIR), *map(Path, settings.STATICFILES_DIRS)])


def font_faces() -> list[dict]:
    folder = Path(settings.FONTS_DIR) / "tex-gyre-termes"
    return [
        {"uri": (folder / name).resolve().as_uri(), "weight": weight, "style": style}
        for name, weight, style in FONT_FACES
    ]


def render_pdf(template_name: str, context: dict, *, page: str = A5_PORTRAIT) -> bytes:
    """The PDF of one print template (which extends ``dossiers/forms/base.html``)."""
    html = render_to_string(
        template_name,
        {
            **context,
            "font_family": FONT_FAMILY,
            "font_faces": font_faces(),
            "page_size": page,
            "page_margin": MARGINS[page],
            "national_title": NATIONAL_TITLE,
            "national_motto": NATIONAL_MOTTO,
        },
    )
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML(string=html, url_fetcher=fetcher()).write_pdf(font_config=FontConfiguration())


# --- what every form shows ------------------------------------------------------------------------
@dataclass(frozen=True)
class Letterhead:
    """The left block (governing body, issuing agency) and the place-date line (Decree 30 Annex I)."""

    parent_name: str
    agency_name: str
    place_date: str


def place_name(agency: Agency) -> str:
    """The place on the place-date line: the commune for commune bodies, else the province."""
    unit = agency.administrative_unit
    if agency.level == Level.COMMUNE and unit is not None:
        name = unit.name
        for prefix in _COMMUNE_PREFIXES:
            rest = name.removeprefix(prefix)
            if rest != name and not rest.isdigit():  # "Phường 5" keeps its word
                return rest
        return name
    return PROVINCE_PLACE


def place_date(place: str, day: date | datetime) -> str:
    """'Hà Tĩnh, ngày 05 tháng 01 năm 2026' (a leading 0 for days below 10 and for months 1–2)."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def letterhead(agency: Agency, day: date | datetime) -> Letterhead:
    home = home_agency(agency)
    parent = home.parent if home.pk == agency.pk else home  # a unit prints under its agency
    return Letterhead(
        parent_name=parent.name.upper() if parent is not None else "",
        agency_name=agency.name.upper(),
        place_date=place_date(place_name(home), day),
    )


def moment_text(value: datetime | None) -> str:
    """'09 giờ 05 phút, ngày 16/11/2026' in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"
