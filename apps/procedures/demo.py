"""Demo procedure catalogue of Hà Tĩnh, brought in through the catalogue import (so it is idempotent).

DEMO DATA — NOT CHECKED AGAINST THE NATIONAL TTHC DATABASE. The procedure names and the broad
shape (who receives, who decides, typical time limits and fees) follow published procedures, but
the national codes, sector codes, fee amounts, time limits, forms and legal bases below are
plausible values written for the demo, not copied from the official records. Check every figure
against dichvucong.gov.vn before using any of it for real.
"""

from decimal import Decimal

from apps.core.demo import demo_step

from .actions import catalogue_import
from .catalogue_io import FORMAT, FORMAT_VERSION

START = "2025-07-01"  # two-level local government
CENTRE = "Trung tâm Hành chính công tỉnh"
BASIS_ONE_STOP = "Nghị định 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"

SECTORS = [
    ("HT", "Hộ tịch"),
    ("CT", "Chứng thực"),
    ("LLTP", "Lý lịch tư pháp"),
    ("CC", "Công chứng"),
    ("XD", "Hoạt động xây dựng"),
    ("DD", "Đất đai"),
    ("MT", "Môi trường"),
    ("KHCN", "Hoạt động khoa học và công nghệ"),
    ("ATBX", "An toàn bức xạ và hạt nhân"),
    ("DN", "Thành lập và hoạt động doanh nghiệp"),
    ("HKD", "Thành lập và hoạt động hộ kinh doanh"),
    ("BTXH", "Bảo trợ xã hội"),
    ("NCC", "Người có công"),
    ("DUOC", "Dược phẩm"),
    ("LTHH", "Lưu thông hàng hóa trong nước"),
    ("VBCC", "Văn bằng, chứng chỉ"),
    ("NT", "Nghệ thuật biểu diễn"),
    ("ATTP", "An toàn thực phẩm"),
]

LIFE_EVENTS = [
    ("khai-sinh", "Khai sinh, chăm sóc con nhỏ"),
    ("ket-hon", "Kết hôn"),
    ("qua-doi", "Khi có người thân qua đời"),
    ("xay-nha", "Xây dựng nhà ở"),
    ("dat-dai", "Nhà đất"),
    ("khoi-nghiep", "Khởi sự kinh doanh"),
    ("viec-lam", "Tìm việc làm, đi học, đi làm việc ở nước ngoài"),
    ("tro-giup", "Trợ giúp xã hội"),
]

APPLICANT_FIELDS = [
    {"name": "ho_ten", "label": "Họ và tên người nộp", "type": "text", "required": True},
    {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "id_number", "required": True},
    {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": True},
]
ORGANISATION_FIELDS = [
    {"name": "ten_to_chuc", "label": "Tên tổ chức", "type": "text", "required": True},
    {"name": "ma_so_thue", "label": "Mã số thuế / mã số doanh nghiệp", "type": "text", "required": False},
    {"name": "nguoi_dai_dien", "label": "Người đại diện theo pháp luật", "type": "text", "required": True},
    {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": True},
]


def _share(value, unit: str = "working_days") -> dict:
    return {"value": str(value), "unit": unit}


def _step(order, kind, name, role, share, *, agency=None, lead=True, unit_category="") -> dict:
    return {
        "order": order,
        "is_lead": lead,
        "kind": kind,
        "name": name,
        "target": "agency" if agency else "receiving",
        "agency": agency,
        "unit_category": unit_category,
        "role": role,
        "share": share,
    }


def commune_steps(value, unit: str = "working_days", *, consult: list[str] | None = None) -> list[dict]:
    """Intake, appraisal, (consultation), signature and return at the receiving commune committee."""
    if unit == "same_day":
        shares = [_share(1, "working_hours"), _share(4, "working_hours"), _share(2, "working_hours")]
        last = _share(1, "working_hours")
    elif unit == "working_hours":
        hours = Decimal(value)
        shares = [_share(0.5, unit), _share(hours - 2, unit), _share(1, unit)]
        last = _share(0.5, unit)
    else:
        days = Decimal(value)
        approval = Decimal(1) if days >= 3 else Decimal("0.5")
        shares = [_share(0.5), _share(days - 1 - approval), _share(approval)]
        last = _share(0.5)
    steps = [
        _step(1, "intake", "Tiếp nhận hồ sơ", "desk_officer", shares[0]),
        _step(2, "appraisal", "Thẩm định hồ sơ", "handler", shares[1]),
    ]
    order = 3
    if consult:
        steps[1]["share"] = _share(Decimal(shares[1]["value"]) / 2 if unit == "working_days" else shares[1]["value"])
        half = steps[1]["share"]
        steps.append(_step(order, "appraisal", "Tổng hợp ý kiến, dự thảo kết quả", "handler", half))
        for agency in consult:
            steps.append(
                _step(order, "consultation", f"Lấy ý kiến {agency}", "handler", half, agency=agency, lead=False)
            )
        order += 1
    steps.append(_step(order, "approval", "Lãnh đạo UBND ký kết quả", "agency_leader", shares[2]))
    steps.append(_step(order + 1, "return", "Trả kết quả", "desk_officer", last))
    return steps


def province_steps(agency: str, days, *, consult: list[str] | None = None) -> list[dict]:
    """Intake at the provincial service centre, appraisal and signature at ``agency``, return at the centre."""
    days = Decimal(days)
    review = Decimal(1) if days >= 5 else Decimal("0.5")
    appraisal = days - 1 - 2 * review
    steps = [
        _step(1, "intake", "Tiếp nhận hồ sơ tại Trung tâm Hành chính công", "desk_officer", _share(0.5), agency=CENTRE),
    ]
    if consult:
        lead_share = _share(appraisal / 2)
        steps.append(
            _step(2, "appraisal", "Thẩm định hồ sơ", "handler", lead_share, agency=agency, unit_category="phong")
        )
        steps.append(_step(3, "appraisal", "Chủ trì, tổng hợp ý kiến", "handler", lead_share, agency=agency))
        for other in consult:
            steps.append(
                _step(3, "consultation", f"Cho ý kiến: {other}", "handler", lead_share, agency=other, lead=False)
            )
        order = 4
    else:
        steps.append(
            _step(2, "appraisal", "Thẩm định hồ sơ", "handler", _share(appraisal), agency=agency, unit_category="phong")
        )
        order = 3
    steps += [
        _step(order, "approval", "Trưởng phòng kiểm tra, trình ký", "head_of_unit", _share(review), agency=agency),
        _step(order + 1, "approval", "Lãnh đạo Sở phê duyệt, ký", "agency_leader", _share(review), agency=agency),
        _step(
            order + 2, "return", "Trả kết quả tại Trung tâm Hành chính công", "desk_officer", _share(0.5), agency=CENTRE
        ),
    ]
    return steps


def province_2017_steps(agency: str, days, *, consult: list[str] | None = None) -> list[dict]:
    """Before the provincial service centre (opened 10/2017): intake and return at the department."""
    steps = province_steps(agency, days, consult=consult)
    for step in (steps[0], steps[-1]):
        step["agency"] = agency
        step["name"] = step["name"].replace(" tại Trung tâm Hành chính công", " tại bộ phận một cửa của Sở")
    return steps


HISTORY_START = "2017-01-01"  # versions in force in 2017, when the province had three levels


def _deadline_text(value, unit: str) -> str:
    if unit == "same_day":
        return "Trong ngày làm việc; hồ sơ nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo."
    shown = str(value).replace(".", ",")
    words = "ngày làm việc" if unit == "working_days" else "giờ làm việc"
    return f"{shown} {words} kể từ ngày nhận đủ hồ sơ hợp lệ."


def _version(
    *,
    deadline,
    unit: str = "working_days",
    documents: list[tuple],
    fees: list[tuple],
    steps: list[dict],
    result: str,
    subjects: str,
    agency_text: str,
    legal_basis: str,
    fields: list[dict],
    valid_from: str = START,
    channels: str = "Nộp trực tiếp tại bộ phận một cửa, qua dịch vụ bưu chính công ích hoặc trực tuyến "
    "trên Cổng Dịch vụ công quốc gia.",
    requirements: str = "Không.",
    change_note: str = "",
) -> dict:
    docs = [
        {
            "name": name,
            "originals": originals,
            "certified_copies": certified,
            "copies": copies,
            "mandatory": mandatory,
            "form_template": template,
            "note": "",
        }
        for name, originals, certified, copies, mandatory, template in documents
    ]
    fee_items = [{"kind": kind, "name": name, "amount": amount, "note": note} for kind, name, amount, note in fees]
    fees_text = "; ".join(
        f"{name}: {amount:,} đồng".replace(",", ".") if amount else f"{name}: miễn" for _, name, amount, _ in fees
    )
    return {
        "valid_from": valid_from,
        "deadline": {"value": str(deadline), "unit": unit},
        "sequence": "Bước 1: Nộp hồ sơ tại bộ phận một cửa hoặc trực tuyến. Bước 2: Cán bộ một cửa kiểm tra, "
        "tiếp nhận và hẹn trả. Bước 3: Cơ quan có thẩm quyền giải quyết. Bước 4: Trả kết quả.",
        "channels": channels,
        "documents_text": "; ".join(d["name"] for d in docs) + ". Số lượng: 01 bộ.",
        "deadline_text": _deadline_text(deadline, unit),
        "subjects": subjects,
        "agency_text": agency_text,
        "result_description": result,
        "forms_text": "; ".join(sorted({d["form_template"] for d in docs if d["form_template"]})) or "Không quy định.",
        "fees_text": fees_text or "Không.",
        "requirements": requirements,
        "legal_basis": f"{legal_basis}; {BASIS_ONE_STOP}.",
        "change_note": change_note,
        "documents": docs,
        "fees": fee_items,
        "eform_fields": fields,
        "steps": steps,
    }


def _commune(code, name, sector, events, *, online="partial", level4=2, versions) -> dict:
    return {
        "code": code,
        "name": name,
        "sector": sector,
        "level": "commune",
        "competent_category": "ubnd",
        "competent_agency": None,
        "online_mode": online,
        "online_level": level4,
        "life_events": events,
        "is_active": True,
        "versions": versions,
    }


def _province(code, name, sector, agency, events, *, online="partial", level4=3, active=True, versions) -> dict:
    return {
        "code": code,
        "name": name,
        "sector": sector,
        "level": "province",
        "competent_category": "so",
        "competent_agency": agency,
        "online_mode": online,
        "online_level": level4,
        "life_events": events,
        "is_active": active,
        "versions": versions,
    }


COMMUNE = "UBND cấp xã nơi tiếp nhận hồ sơ"
CITIZEN = "Công dân Việt Nam"
ID_CARD = ("Căn cước công dân hoặc căn cước (xuất trình, không nộp bản sao)", 0, 0, 0, False, "")


def _commune_version(
    deadline,
    unit="working_days",
    *,
    documents,
    fees=(),
    result,
    subjects=CITIZEN,
    legal_basis,
    fields=(),
    consult=None,
    **kwargs,
) -> dict:
    return _version(
        deadline=deadline,
        unit=unit,
        documents=list(documents),
        fees=list(fees),
        steps=commune_steps(deadline, unit, consult=consult),
        result=result,
        subjects=subjects,
        agency_text=COMMUNE,
        legal_basis=legal_basis,
        fields=APPLICANT_FIELDS + list(fields),
        **kwargs,
    )


def _province_version(
    agency,
    deadline,
    *,
    documents,
    fees=(),
    result,
    subjects,
    legal_basis,
    fields=(),
    consult=None,
    organisation=False,
    **kwargs,
) -> dict:
    return _version(
        deadline=deadline,
        documents=list(documents),
        fees=list(fees),
        steps=province_steps(agency, deadline, consult=consult),
        result=result,
        subjects=subjects,
        agency_text=f"{agency} (tiếp nhận và trả kết quả tại {CENTRE})",
        legal_basis=legal_basis,
        fields=(ORGANISATION_FIELDS if organisation else APPLICANT_FIELDS) + list(fields),
        **kwargs,
    )


def demo_document() -> dict:
    """The demo catalogue as an import document."""
    civil = "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP"
    certify = "Nghị định 23/2015/NĐ-CP về chứng thực"
    child = [
        {"name": "ho_ten_tre", "label": "Họ, chữ đệm, tên của trẻ", "type": "text", "required": True},
        {"name": "ngay_sinh_tre", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
        {"name": "gioi_tinh_tre", "label": "Giới tính", "type": "select", "required": True, "options": ["Nam", "Nữ"]},
        {"name": "noi_sinh", "label": "Nơi sinh", "type": "text", "required": True},
    ]
    spouse = [
        {"name": "ho_ten_ben_kia", "label": "Họ tên bên kia", "type": "text", "required": True},
        {"name": "so_dinh_danh_ben_kia", "label": "Số định danh bên kia", "type": "id_number", "required": True},
    ]
    pages = [{"name": "so_trang", "label": "Số trang cần chứng thực", "type": "number", "required": True}]
    land = [
        {"name": "so_thua", "label": "Số thửa", "type": "number", "required": True},
        {"name": "so_to_ban_do", "label": "Số tờ bản đồ", "type": "number", "required": True},
        {"name": "dien_tich", "label": "Diện tích (m²)", "type": "number", "required": True},
    ]
    build = [
        {"name": "dia_chi_cong_trinh", "label": "Địa chỉ công trình", "type": "text", "required": True},
        {"name": "dien_tich_xay_dung", "label": "Diện tích xây dựng (m²)", "type": "number", "required": True},
        {"name": "so_tang", "label": "Số tầng", "type": "number", "required": True},
    ]
    birth_docs = [
        ("Tờ khai đăng ký khai sinh", 1, 0, 0, True, "Mẫu tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP)"),
        ("Giấy chứng sinh hoặc văn bản xác nhận việc sinh", 1, 0, 0, True, ""),
        ID_CARD,
    ]
    procedures = [
        # --- commune level -----------------------------------------------------------------
        _commune(
            "1.001193.000.00.00.H27",
            "Đăng ký khai sinh",
            "HT",
            ["khai-sinh"],
            online="full",
            level4=4,
            versions=[
                _commune_version(
                    0,
                    "same_day",
                    documents=birth_docs,
                    fees=[("fee", "Lệ phí đăng ký khai sinh đúng hạn", 0, "Miễn lệ phí")],
                    result="Giấy khai sinh (bản chính) và trích lục khai sinh bản điện tử.",
                    legal_basis=civil,
                    fields=child,
                ),
                _commune_version(
                    0,
                    "same_day",
                    documents=[*birth_docs[:2], ("Văn bản ủy quyền (nếu nộp thay)", 0, 1, 0, False, "")],
                    fees=[("fee", "Lệ phí đăng ký khai sinh đúng hạn", 0, "Miễn lệ phí")],
                    result="Giấy khai sinh (bản chính) và trích lục khai sinh bản điện tử.",
                    legal_basis=civil,
                    fields=child,
                    valid_from="2026-01-01",
                    change_note="Thêm văn bản ủy quyền khi nộp thay (dữ liệu mẫu).",
                ),
            ],
        ),
        _commune(
            "1.000894.000.00.00.H27",
            "Đăng ký kết hôn",
            "HT",
            ["ket-hon"],
            level4=3,
            versions=[
                _commune_version(
                    3,
                    documents=[("Tờ khai đăng ký kết hôn", 1, 0, 0, True, "Mẫu tờ khai đăng ký kết hôn"), ID_CARD],
                    fees=[("fee", "Lệ phí đăng ký kết hôn", 0, "Miễn lệ phí đối với công dân cư trú trong nước")],
                    result="Giấy chứng nhận kết hôn.",
                    legal_basis=civil,
                    fields=spouse,
                )
            ],
        ),
        _commune(
            "1.000656.000.00.00.H27",
            "Đăng ký khai tử",
            "HT",
            ["qua-doi"],
            online="full",
            level4=4,
            versions=[
                _commune_version(
                    0,
                    "same_day",
                    documents=[
                        ("Tờ khai đăng ký khai tử", 1, 0, 0, True, "Mẫu tờ khai đăng ký khai tử"),
                        ("Giấy báo tử hoặc giấy tờ thay giấy báo tử", 1, 0, 0, True, ""),
                    ],
                    fees=[("fee", "Lệ phí đăng ký khai tử", 0, "Miễn lệ phí")],
                    result="Trích lục khai tử.",
                    legal_basis=civil,
                )
            ],
        ),
        _commune(
            "1.004873.000.00.00.H27",
            "Cấp Giấy xác nhận tình trạng hôn nhân",
            "HT",
            ["ket-hon"],
            online="full",
            level4=4,
            versions=[
                _commune_version(
                    3,
                    documents=[
                        ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 1, 0, 0, True, "Mẫu tờ khai"),
                        ID_CARD,
                    ],
                    fees=[("fee", "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 0, "Miễn lệ phí")],
                    result="Giấy xác nhận tình trạng hôn nhân.",
                    legal_basis=civil,
                    fields=[
                        {"name": "muc_dich", "label": "Mục đích sử dụng", "type": "text", "required": True},
                    ],
                )
            ],
        ),
        _commune(
            "2.000635.000.00.00.H27",
            "Cấp bản sao trích lục hộ tịch",
            "HT",
            ["khai-sinh", "ket-hon"],
            online="full",
            level4=4,
            versions=[
                _commune_version(
                    0,
                    "same_day",
                    documents=[("Tờ khai cấp bản sao trích lục hộ tịch", 1, 0, 0, True, "Mẫu tờ khai")],
                    fees=[("fee", "Lệ phí cấp bản sao trích lục", 8000, "Mỗi bản sao")],
                    result="Bản sao trích lục hộ tịch.",
                    legal_basis=civil,
                    fields=[{"name": "so_ban", "label": "Số bản sao", "type": "number", "required": True}],
                )
            ],
        ),
        _commune(
            "1.004859.000.00.00.H27",
            "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "HT",
            [],
            versions=[
                _commune_version(
                    3,
                    documents=[
                        (
                            "Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
                            1,
                            0,
                            0,
                            True,
                            "Mẫu tờ khai",
                        ),
                        ("Giấy tờ làm căn cứ thay đổi, cải chính", 0, 1, 0, True, ""),
                    ],
                    fees=[("fee", "Lệ phí thay đổi, cải chính hộ tịch", 15000, "")],
                    result="Trích lục thay đổi, cải chính hộ tịch.",
                    legal_basis=civil,
                )
            ],
        ),
        _commune(
            "2.000815.000.00.00.H27",
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            "CT",
            ["viec-lam"],
            level4=2,
            versions=[
                _commune_version(
                    4,
                    "working_hours",
                    documents=[("Bản chính giấy tờ cần chứng thực và bản sao cần chứng thực", 1, 0, 1, True, "")],
                    fees=[
                        ("charge", "Phí chứng thực bản sao từ bản chính", 2000, "Mỗi trang; từ trang thứ ba 1.000 đ")
                    ],
                    result="Bản sao được chứng thực từ bản chính.",
                    subjects="Cá nhân, tổ chức",
                    legal_basis=certify,
                    fields=pages,
                    channels="Nộp trực tiếp tại bộ phận một cửa.",
                )
            ],
        ),
        _commune(
            "2.000884.000.00.00.H27",
            "Chứng thực chữ ký trong các giấy tờ, văn bản",
            "CT",
            [],
            level4=2,
            versions=[
                _commune_version(
                    4,
                    "working_hours",
                    documents=[("Giấy tờ, văn bản cần chứng thực chữ ký", 1, 0, 0, True, ""), ID_CARD],
                    fees=[("charge", "Phí chứng thực chữ ký", 10000, "Mỗi trường hợp")],
                    result="Giấy tờ, văn bản được chứng thực chữ ký.",
                    legal_basis=certify,
                    channels="Nộp trực tiếp tại bộ phận một cửa.",
                )
            ],
        ),
        _commune(
            "2.000913.000.00.00.H27",
            "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
            "CT",
            [],
            level4=2,
            versions=[
                _commune_version(
                    2,
                    documents=[("Dự thảo hợp đồng, giao dịch", 1, 0, 0, True, ""), ID_CARD],
                    fees=[("charge", "Phí chứng thực hợp đồng, giao dịch", 50000, "")],
                    result="Hợp đồng, giao dịch được chứng thực.",
                    legal_basis=certify,
                    channels="Nộp trực tiếp tại bộ phận một cửa.",
                )
            ],
        ),
        _commune(
            "1.011673.000.00.00.H27",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "XD",
            ["xay-nha"],
            level4=3,
            versions=[
                _commune_version(
                    15,
                    documents=[
                        ("Đơn đề nghị cấp giấy phép xây dựng", 1, 0, 0, True, "Mẫu số 01 Phụ lục II NĐ 175/2024/NĐ-CP"),
                        ("Giấy tờ chứng minh quyền sử dụng đất", 0, 1, 0, True, ""),
                        ("Bản vẽ thiết kế xây dựng", 2, 0, 0, True, ""),
                    ],
                    fees=[("fee", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75000, "")],
                    result="Giấy phép xây dựng nhà ở riêng lẻ.",
                    subjects="Hộ gia đình, cá nhân",
                    legal_basis="Luật Xây dựng 2014 (sửa đổi 2020); Nghị định 175/2024/NĐ-CP",
                    fields=build,
                )
            ],
        ),
        _commune(
            "1.012790.000.00.00.H27",
            "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
            "DD",
            ["dat-dai", "xay-nha"],
            level4=3,
            versions=[
                _commune_version(
                    20,
                    documents=[
                        ("Đơn đăng ký, cấp Giấy chứng nhận", 1, 0, 0, True, "Mẫu số 04/ĐK"),
                        ("Giấy tờ về quyền sử dụng đất (nếu có)", 0, 1, 0, False, ""),
                        ("Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", 0, 0, 1, False, ""),
                    ],
                    fees=[("fee", "Lệ phí cấp Giấy chứng nhận", 100000, "Hà Tĩnh, dữ liệu mẫu")],
                    result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất.",
                    subjects="Hộ gia đình, cá nhân",
                    legal_basis="Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP",
                    fields=land,
                    consult=["Sở Nông nghiệp và Môi trường"],
                )
            ],
        ),
        _commune(
            "2.000575.000.00.00.H27",
            "Đăng ký thành lập hộ kinh doanh",
            "HKD",
            ["khoi-nghiep"],
            online="full",
            level4=4,
            versions=[
                _commune_version(
                    3,
                    documents=[("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0, 0, True, "Phụ lục III-1"), ID_CARD],
                    fees=[("fee", "Lệ phí đăng ký hộ kinh doanh", 50000, "Miễn khi nộp trực tuyến (dữ liệu mẫu)")],
                    result="Giấy chứng nhận đăng ký hộ kinh doanh.",
                    subjects="Cá nhân, thành viên hộ gia đình",
                    legal_basis="Nghị định 168/2025/NĐ-CP về đăng ký doanh nghiệp",
                    fields=[
                        {"name": "ten_ho_kinh_doanh", "label": "Tên hộ kinh doanh", "type": "text", "required": True},
                        {"name": "nganh_nghe", "label": "Ngành, nghề kinh doanh", "type": "text", "required": True},
                        {"name": "von", "label": "Vốn kinh doanh (đồng)", "type": "number", "required": True},
                    ],
                )
            ],
        ),
        _commune(
            "1.001776.000.00.00.H27",
            "Thực hiện trợ cấp xã hội hằng tháng",
            "BTXH",
            ["tro-giup"],
            level4=3,
            versions=[
                _commune_version(
                    10,
                    documents=[("Tờ khai đề nghị trợ giúp xã hội", 1, 0, 0, True, "Mẫu số 1a–1đ NĐ 20/2021/NĐ-CP")],
                    fees=[],
                    result="Quyết định trợ cấp xã hội hằng tháng.",
                    legal_basis="Nghị định 20/2021/NĐ-CP",
                    fields=[
                        {
                            "name": "doi_tuong",
                            "label": "Nhóm đối tượng",
                            "type": "select",
                            "required": True,
                            "options": ["Người cao tuổi", "Người khuyết tật", "Trẻ em mồ côi", "Khác"],
                        }
                    ],
                )
            ],
        ),
        _commune(
            "1.001758.000.00.00.H27",
            "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
            "BTXH",
            ["qua-doi", "tro-giup"],
            level4=3,
            versions=[
                _commune_version(
                    5,
                    documents=[("Tờ khai đề nghị hỗ trợ chi phí mai táng", 1, 0, 0, True, "Mẫu số 04"), ID_CARD],
                    result="Quyết định hỗ trợ chi phí mai táng.",
                    legal_basis="Nghị định 20/2021/NĐ-CP",
                )
            ],
        ),
        _commune(
            "1.010810.000.00.00.H27",
            "Giải quyết chế độ mai táng phí đối với người có công với cách mạng",
            "NCC",
            ["qua-doi"],
            level4=3,
            versions=[
                _commune_version(
                    10,
                    documents=[("Bản khai đề nghị hưởng chế độ mai táng phí", 1, 0, 0, True, "Mẫu số 11"), ID_CARD],
                    result="Quyết định trợ cấp mai táng phí.",
                    legal_basis="Pháp lệnh Ưu đãi người có công 2020; Nghị định 131/2021/NĐ-CP",
                )
            ],
        ),
        # --- province level ----------------------------------------------------------------
        _province(
            "2.000488.000.00.00.H27",
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
            "LLTP",
            "Sở Tư pháp",
            ["viec-lam"],
            online="full",
            level4=4,
            versions=[
                _version(
                    deadline=10,
                    documents=[
                        ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0, 0, True, "Mẫu số 03/2013/TT-LLTP"),
                        ("Bản chụp giấy chứng minh nhân dân hoặc hộ chiếu", 0, 0, 1, True, ""),
                    ],
                    fees=[("charge", "Phí cung cấp thông tin lý lịch tư pháp", 200000, "")],
                    steps=province_2017_steps("Sở Tư pháp", 10, consult=["Công an tỉnh Hà Tĩnh"]),
                    result="Phiếu lý lịch tư pháp số 1 hoặc số 2.",
                    subjects="Công dân Việt Nam; người nước ngoài cư trú tại Việt Nam",
                    agency_text="Sở Tư pháp (tiếp nhận và trả kết quả tại bộ phận một cửa của Sở)",
                    legal_basis="Luật Lý lịch tư pháp 2009",
                    fields=APPLICANT_FIELDS,
                    valid_from=HISTORY_START,
                ),
                _province_version(
                    "Sở Tư pháp",
                    10,
                    change_note="Tiếp nhận tại Trung tâm Hành chính công; căn cước thay chứng minh nhân dân.",
                    documents=[
                        ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0, 0, True, "Mẫu số 03/2013/TT-LLTP"),
                        ID_CARD,
                    ],
                    fees=[
                        ("charge", "Phí cung cấp thông tin lý lịch tư pháp", 200000, ""),
                        ("charge", "Phí cấp từ Phiếu thứ 3 trở đi", 5000, "Mỗi phiếu"),
                    ],
                    result="Phiếu lý lịch tư pháp số 1 hoặc số 2.",
                    subjects="Công dân Việt Nam; người nước ngoài cư trú tại Việt Nam",
                    legal_basis="Luật Lý lịch tư pháp 2009",
                    consult=["Công an tỉnh Hà Tĩnh"],
                    fields=[
                        {
                            "name": "loai_phieu",
                            "label": "Loại phiếu",
                            "type": "select",
                            "required": True,
                            "options": ["Phiếu số 1", "Phiếu số 2"],
                        }
                    ],
                ),
            ],
        ),
        _province(
            "1.001877.000.00.00.H27",
            "Đăng ký hoạt động Văn phòng công chứng",
            "CC",
            "Sở Tư pháp",
            [],
            versions=[
                _province_version(
                    "Sở Tư pháp",
                    10,
                    documents=[
                        ("Đơn đăng ký hoạt động", 1, 0, 0, True, "Mẫu TP-CC-06"),
                        ("Quyết định thành lập", 0, 1, 0, True, ""),
                    ],
                    fees=[("charge", "Phí thẩm định điều kiện hoạt động", 1000000, "")],
                    result="Giấy đăng ký hoạt động Văn phòng công chứng.",
                    subjects="Công chứng viên",
                    legal_basis="Luật Công chứng 2024",
                    organisation=True,
                )
            ],
        ),
        _province(
            "1.009972.000.00.00.H27",
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV",
            "XD",
            "Sở Xây dựng",
            ["xay-nha"],
            versions=[
                _province_version(
                    "Sở Xây dựng",
                    20,
                    documents=[
                        ("Đơn đề nghị cấp giấy phép xây dựng", 1, 0, 0, True, "Mẫu số 01 Phụ lục II NĐ 175/2024/NĐ-CP"),
                        ("Giấy tờ chứng minh quyền sử dụng đất", 0, 1, 0, True, ""),
                        ("Hồ sơ thiết kế xây dựng", 2, 0, 0, True, ""),
                        ("Văn bản thẩm duyệt phòng cháy chữa cháy (nếu có)", 0, 1, 0, False, ""),
                    ],
                    fees=[("fee", "Lệ phí cấp giấy phép xây dựng công trình", 150000, "")],
                    result="Giấy phép xây dựng.",
                    subjects="Chủ đầu tư là tổ chức, cá nhân",
                    legal_basis="Luật Xây dựng 2014 (sửa đổi 2020); Nghị định 175/2024/NĐ-CP",
                    consult=["Sở Nông nghiệp và Môi trường", "UBND phường Thành Sen"],
                    fields=build,
                )
            ],
        ),
        _province(
            "1.009974.000.00.00.H27",
            "Cấp giấy phép xây dựng sửa chữa, cải tạo công trình",
            "XD",
            "Sở Xây dựng",
            ["xay-nha"],
            versions=[
                _province_version(
                    "Sở Xây dựng",
                    20,
                    documents=[
                        ("Đơn đề nghị cấp giấy phép sửa chữa, cải tạo", 1, 0, 0, True, "Mẫu số 01"),
                        ("Ảnh chụp hiện trạng công trình", 1, 0, 0, True, ""),
                        ("Bản vẽ thiết kế sửa chữa, cải tạo", 2, 0, 0, True, ""),
                    ],
                    fees=[("fee", "Lệ phí cấp giấy phép xây dựng", 150000, "")],
                    result="Giấy phép sửa chữa, cải tạo công trình.",
                    subjects="Chủ đầu tư",
                    legal_basis="Luật Xây dựng 2014 (sửa đổi 2020)",
                    organisation=True,
                )
            ],
        ),
        _province(
            "1.012885.000.00.00.H27",
            "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất cho tổ chức",
            "DD",
            "Sở Nông nghiệp và Môi trường",
            ["dat-dai"],
            versions=[
                _province_version(
                    "Sở Nông nghiệp và Môi trường",
                    20,
                    documents=[
                        ("Đơn đăng ký, cấp Giấy chứng nhận", 1, 0, 0, True, "Mẫu số 04/ĐK"),
                        ("Quyết định giao đất, cho thuê đất", 0, 1, 0, True, ""),
                    ],
                    fees=[("fee", "Lệ phí cấp Giấy chứng nhận cho tổ chức", 500000, "")],
                    result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất.",
                    subjects="Tổ chức trong nước",
                    legal_basis="Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP",
                    organisation=True,
                    fields=land,
                )
            ],
        ),
        _province(
            "1.010727.000.00.00.H27",
            "Thẩm định báo cáo đánh giá tác động môi trường",
            "MT",
            "Sở Nông nghiệp và Môi trường",
            [],
            versions=[
                _province_version(
                    "Sở Nông nghiệp và Môi trường",
                    20,
                    documents=[
                        ("Văn bản đề nghị thẩm định", 1, 0, 0, True, "Mẫu số 02 Phụ lục II NĐ 08/2022/NĐ-CP"),
                        ("Báo cáo đánh giá tác động môi trường", 1, 0, 0, True, ""),
                        ("Báo cáo nghiên cứu khả thi của dự án", 1, 0, 0, True, ""),
                    ],
                    fees=[
                        (
                            "charge",
                            "Phí thẩm định báo cáo đánh giá tác động môi trường",
                            5000000,
                            "Nhóm dự án, dữ liệu mẫu",
                        )
                    ],
                    result="Quyết định phê duyệt kết quả thẩm định báo cáo ĐTM.",
                    subjects="Chủ dự án",
                    legal_basis="Luật Bảo vệ môi trường 2020; Nghị định 08/2022/NĐ-CP",
                    organisation=True,
                    consult=["Sở Xây dựng"],
                )
            ],
        ),
        _province(
            "1.004551.000.00.00.H27",
            "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
            "KHCN",
            "Sở Khoa học và Công nghệ",
            [],
            online="full",
            level4=4,
            versions=[
                _province_version(
                    "Sở Khoa học và Công nghệ",
                    15,
                    documents=[
                        ("Đơn đăng ký hoạt động khoa học và công nghệ", 1, 0, 0, True, "Mẫu 2 TT 03/2014/TT-BKHCN"),
                        ("Quyết định thành lập tổ chức", 0, 1, 0, True, ""),
                        ("Điều lệ tổ chức và hoạt động", 1, 0, 0, True, ""),
                    ],
                    fees=[
                        ("charge", "Phí thẩm định điều kiện hoạt động khoa học và công nghệ", 0, "Miễn (dữ liệu mẫu)")
                    ],
                    result="Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ.",
                    subjects="Tổ chức khoa học và công nghệ",
                    legal_basis="Luật Khoa học, công nghệ và đổi mới sáng tạo 2025; Nghị định 08/2014/NĐ-CP",
                    organisation=True,
                )
            ],
        ),
        _province(
            "1.003820.000.00.00.H27",
            "Cấp giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán trong y tế)",
            "ATBX",
            "Sở Khoa học và Công nghệ",
            [],
            versions=[
                _province_version(
                    "Sở Khoa học và Công nghệ",
                    15,
                    documents=[
                        ("Đơn đề nghị cấp giấy phép", 1, 0, 0, True, "Mẫu 01 Phụ lục I"),
                        ("Phiếu khai báo thiết bị X-quang", 1, 0, 0, True, ""),
                        ("Báo cáo đánh giá an toàn", 1, 0, 0, True, ""),
                    ],
                    fees=[
                        ("charge", "Phí thẩm định an toàn bức xạ", 2000000, "Mỗi thiết bị"),
                        ("fee", "Lệ phí cấp giấy phép", 200000, ""),
                    ],
                    result="Giấy phép tiến hành công việc bức xạ.",
                    subjects="Cơ sở khám bệnh, chữa bệnh",
                    legal_basis="Luật Năng lượng nguyên tử 2008; Nghị định 142/2020/NĐ-CP",
                    organisation=True,
                    consult=["Sở Y tế"],
                )
            ],
        ),
        _province(
            "2.001610.000.00.00.H27",
            "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
            "DN",
            "Sở Tài chính",
            ["khoi-nghiep"],
            online="full",
            level4=4,
            versions=[
                _province_version(
                    "Sở Tài chính",
                    3,
                    documents=[
                        ("Giấy đề nghị đăng ký doanh nghiệp", 1, 0, 0, True, "Phụ lục I-2"),
                        ("Điều lệ công ty", 1, 0, 0, True, ""),
                        ("Bản sao giấy tờ pháp lý của chủ sở hữu", 0, 0, 1, True, ""),
                    ],
                    fees=[
                        ("fee", "Lệ phí đăng ký doanh nghiệp", 50000, "Miễn khi nộp trực tuyến"),
                        ("charge", "Phí công bố nội dung đăng ký doanh nghiệp", 100000, ""),
                    ],
                    result="Giấy chứng nhận đăng ký doanh nghiệp.",
                    subjects="Tổ chức, cá nhân",
                    legal_basis="Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP",
                    fields=[
                        {"name": "ten_doanh_nghiep", "label": "Tên doanh nghiệp", "type": "text", "required": True},
                        {"name": "von_dieu_le", "label": "Vốn điều lệ (đồng)", "type": "number", "required": True},
                    ],
                )
            ],
        ),
        _province(
            "2.001199.000.00.00.H27",
            "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
            "DN",
            "Sở Tài chính",
            ["khoi-nghiep"],
            online="full",
            level4=4,
            versions=[
                _province_version(
                    "Sở Tài chính",
                    3,
                    documents=[("Thông báo thay đổi nội dung đăng ký doanh nghiệp", 1, 0, 0, True, "Phụ lục II-1")],
                    fees=[("fee", "Lệ phí đăng ký thay đổi", 50000, "Miễn khi nộp trực tuyến")],
                    result="Giấy chứng nhận đăng ký doanh nghiệp (cập nhật).",
                    subjects="Doanh nghiệp",
                    legal_basis="Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP",
                    organisation=True,
                )
            ],
        ),
        _province(
            "1.004616.000.00.00.H27",
            "Cấp chứng chỉ hành nghề dược",
            "DUOC",
            "Sở Y tế",
            ["viec-lam"],
            versions=[
                _province_version(
                    "Sở Y tế",
                    20,
                    documents=[
                        ("Đơn đề nghị cấp chứng chỉ hành nghề dược", 1, 0, 0, True, "Mẫu số 02 Phụ lục I"),
                        ("Văn bằng chuyên môn", 0, 1, 0, True, ""),
                        ("Giấy xác nhận thời gian thực hành", 1, 0, 0, True, ""),
                    ],
                    fees=[("charge", "Phí thẩm định cấp chứng chỉ hành nghề dược", 500000, "")],
                    result="Chứng chỉ hành nghề dược.",
                    subjects="Cá nhân",
                    legal_basis="Luật Dược 2016 (sửa đổi 2024); Nghị định 54/2017/NĐ-CP",
                )
            ],
        ),
        _province(
            "2.000620.000.00.00.H27",
            "Cấp Giấy phép bán lẻ sản phẩm rượu",
            "LTHH",
            "Sở Công Thương",
            ["khoi-nghiep"],
            versions=[
                _province_version(
                    "Sở Công Thương",
                    10,
                    documents=[("Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm rượu", 1, 0, 0, True, "Mẫu số 01")],
                    fees=[("charge", "Phí thẩm định cấp giấy phép bán lẻ rượu", 1200000, "Tại thành phố, dữ liệu mẫu")],
                    result="Giấy phép bán lẻ sản phẩm rượu.",
                    subjects="Thương nhân",
                    legal_basis="Nghị định 105/2017/NĐ-CP (sửa đổi bởi NĐ 17/2020/NĐ-CP)",
                    organisation=True,
                )
            ],
        ),
        _province(
            "1.002425.000.00.00.H27",
            "Chỉnh sửa nội dung văn bằng, chứng chỉ",
            "VBCC",
            "Sở Giáo dục và Đào tạo",
            ["viec-lam"],
            online="full",
            level4=4,
            versions=[
                _province_version(
                    "Sở Giáo dục và Đào tạo",
                    5,
                    documents=[
                        ("Đơn đề nghị chỉnh sửa văn bằng, chứng chỉ", 1, 0, 0, True, "Phụ lục TT 21/2019/TT-BGDĐT"),
                        ("Văn bằng, chứng chỉ đề nghị chỉnh sửa", 1, 0, 0, True, ""),
                        ("Quyết định thay đổi, cải chính hộ tịch", 0, 1, 0, True, ""),
                    ],
                    result="Quyết định chỉnh sửa văn bằng, chứng chỉ.",
                    subjects="Người được cấp văn bằng, chứng chỉ",
                    legal_basis="Thông tư 21/2019/TT-BGDĐT",
                )
            ],
        ),
        _province(
            "1.001029.000.00.00.H27",
            "Cấp giấy phép tổ chức cuộc thi người đẹp, người mẫu",
            "NT",
            "Sở Văn hóa, Thể thao và Du lịch",
            [],
            versions=[
                _province_version(
                    "Sở Văn hóa, Thể thao và Du lịch",
                    15,
                    documents=[
                        ("Văn bản đề nghị tổ chức cuộc thi", 1, 0, 0, True, "Mẫu số 04"),
                        ("Đề án tổ chức cuộc thi", 1, 0, 0, True, ""),
                    ],
                    fees=[("charge", "Phí thẩm định nội dung", 500000, "")],
                    result="Văn bản chấp thuận tổ chức cuộc thi.",
                    subjects="Tổ chức",
                    legal_basis="Nghị định 144/2020/NĐ-CP",
                    organisation=True,
                )
            ],
        ),
        _province(
            "2.000591.000.00.00.H27",
            "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "ATTP",
            "Sở Công Thương",
            ["khoi-nghiep"],
            versions=[
                _province_version(
                    "Sở Công Thương",
                    20,
                    documents=[
                        ("Đơn đề nghị cấp Giấy chứng nhận", 1, 0, 0, True, "Mẫu số 01"),
                        ("Bản thuyết minh về cơ sở vật chất", 1, 0, 0, True, ""),
                    ],
                    fees=[("charge", "Phí thẩm định cơ sở sản xuất thực phẩm", 2500000, "Dữ liệu mẫu")],
                    result="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm.",
                    subjects="Cơ sở sản xuất, kinh doanh thực phẩm",
                    legal_basis="Luật An toàn thực phẩm 2010; Nghị định 15/2018/NĐ-CP",
                    organisation=True,
                    consult=["Sở Y tế"],
                )
            ],
        ),
        _province(
            "1.000130.000.00.00.H27",
            "Cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
            "NT",
            "Sở Văn hóa, Thể thao và Du lịch",
            [],
            active=False,
            versions=[
                _province_version(
                    "Sở Văn hóa, Thể thao và Du lịch",
                    5,
                    documents=[("Đơn đề nghị cấp giấy phép", 1, 0, 0, True, "Mẫu số 01")],
                    fees=[("charge", "Phí thẩm định cấp giấy phép", 4000000, "Dữ liệu mẫu")],
                    result="Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke.",
                    subjects="Doanh nghiệp, hộ kinh doanh",
                    legal_basis="Nghị định 54/2019/NĐ-CP",
                    organisation=True,
                    change_note="Ngừng áp dụng trong danh mục mẫu (minh họa thủ tục không còn tiếp nhận).",
                )
            ],
        ),
    ]
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "sectors": [{"code": code, "name": name} for code, name in SECTORS],
        "life_events": [{"code": code, "name": name} for code, name in LIFE_EVENTS],
        "procedures": procedures,
    }


@demo_step(order=20, label="Danh mục thủ tục hành chính")
def demo_procedures(report) -> None:
    result = catalogue_import(actor=None, document=demo_document())
    report(result.summary())
