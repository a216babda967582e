"""A two-page decision rendered with WeasyPrint in the shipped font, with the Decree 30 signature block."""

from apps.dossiers.printing.rendering import FONT_FAMILY, fetcher, font_faces

POSITION = "CHỦ TỊCH"
SIGNER_NAME = "Nguyễn Văn Thử"

_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
{faces}
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: "{family}"; font-size: 13pt; line-height: 1.35; }}
.head {{ display: flex; justify-content: space-between; text-align: center; font-size: 12pt; }}
.head b {{ display: block; }}
h1 {{ text-align: center; font-size: 14pt; margin: 14mm 0 4mm; }}
p {{ text-align: justify; margin: 0 0 3mm; text-indent: 10mm; }}
.break {{ page-break-before: always; }}
.sign {{ display: flex; justify-content: space-between; margin-top: 8mm; font-size: 11pt; }}
.recipients {{ width: 45%; }}
.signer {{ width: 50%; text-align: center; font-size: 13pt; }}
.signer b {{ display: block; }}
.space {{ height: 30mm; }}
</style></head><body>
<div class="head"><div><b>ỦY BAN NHÂN DÂN</b><b>TỈNH HÀ TĨNH</b>Số: 12/QĐ-UBND</div>
<div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><b>Độc lập - Tự do - Hạnh phúc</b>
<i>Hà Tĩnh, ngày 27 tháng 11 năm 2026</i></div></div>
<h1>QUYẾT ĐỊNH<br>Về việc phê duyệt kế hoạch chuyển đổi số năm 2027</h1>
{body}
<div class="break"></div>
{body}
<div class="sign"><div class="recipients"><b><i>Nơi nhận:</i></b><br>- Như Điều 3;<br>- Lưu: VT.</div>
<div class="signer"><b>TM. ỦY BAN NHÂN DÂN</b><b>{position}</b><div class="space"></div><b>{name}</b></div></div>
</body></html>"""

_PARAGRAPH = (
    "<p>Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 "
    "năm 2020 của Chính phủ về công tác văn thư; xét đề nghị của Giám đốc Sở Khoa học và Công nghệ, "
    "Ủy ban nhân dân tỉnh quyết định phê duyệt kế hoạch với các nội dung chính sau đây.</p>"
)


def decision_pdf(*, paragraphs: int = 5) -> bytes:
    from weasyprint import HTML

    faces = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{f["uri"]}"); '
        f"font-weight: {f['weight']}; font-style: {f['style']}; }}"
        for f in font_faces()
    )
    html = _PAGE.format(
        faces=faces, family=FONT_FAMILY, body=_PARAGRAPH * paragraphs, position=POSITION, name=SIGNER_NAME
    )
    return HTML(string=html, url_fetcher=fetcher()).write_pdf()
