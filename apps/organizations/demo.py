"""Demo structure of Hà Tĩnh: the 2017 agencies, then the 2025 reorganisations, made through the actions.

Sources and assumptions (kept here so nobody mistakes demo data for the record):

- Identifiers: ``000.00.00.H27`` (UBND tỉnh) is from Hà Tĩnh decision 2803/QĐ-UBND (28/9/2017) as
  reported by the provincial ICT department; ``000.00.01.H27`` (Văn phòng UBND tỉnh) from a 2021
  provincial press report. Every other level-2/3 number below is ASSIGNED FOR THE DEMO in list
  order: the 2017 list itself was not found. Party, council and police bodies get no identifier
  (they are not coded under the People's Committee); nor do the 2025 commune committees, which
  would not fit in the two-digit level-2 segment and are coded in another scheme since 2021.
- District GSO codes 436–449 are the statistics office's codes for Hà Tĩnh's district level.
- Dates: the recorded history starts on 01/01/2017 (not a founding date). The 2025 department
  mergers are dated 01/03/2025, when the merged departments started work nationwide.
- Decisions: numbers starting with ``DEMO-`` are placeholders — the real Hà Tĩnh resolutions were
  not retrieved. ``72/2025/QH15`` is the Law on the Organisation of Local Government.
- Which 2025 communes took over from which 2017 district: the communes whose GSO code lies in the
  district's 2004 code block (a merged commune keeps the code of one of its former communes), with
  Hồng Lộc, Lộc Hà and Mai Phụ given to huyện Lộc Hà (formed in 2007 from Can Lộc and Thạch Hà
  communes). It is an approximation for the demo, not the legal list of Resolution UBTVQH 2025.
"""

from datetime import date

from django.db import transaction

from apps.core.demo import demo_step

from .actions import (
    AgencySpec,
    Decision,
    Transfer,
    administrative_unit_record,
    administrative_units_import,
    agencies_abolish,
    agencies_establish,
    agencies_merge,
    agency_create,
    agency_identifier_set,
    responsibilities_transfer,
)
from .identifiers import agency_identifier_format
from .models import AdministrativeUnit, Agency, Level, ReorganisationEvent

PROVINCE_CODE = 42
PROVINCE_IDENTIFIER = "H27"
HISTORY_START = date(2017, 1, 1)
DISTRICTS_END = date(2025, 6, 30)
TWO_LEVELS_START = date(2025, 7, 1)
DEPARTMENT_MERGERS = date(2025, 3, 1)

Category = Agency.Category
DivisionType = AdministrativeUnit.DivisionType

# (GSO code, unit name, division type, committee name)
DISTRICTS_2017 = [
    ("436", "Thành phố Hà Tĩnh", DivisionType.PROVINCIAL_CITY, "UBND thành phố Hà Tĩnh"),
    ("437", "Thị xã Hồng Lĩnh", DivisionType.DISTRICT_TOWN, "UBND thị xã Hồng Lĩnh"),
    ("449", "Thị xã Kỳ Anh", DivisionType.DISTRICT_TOWN, "UBND thị xã Kỳ Anh"),
    ("446", "Huyện Cẩm Xuyên", DivisionType.RURAL_DISTRICT, "UBND huyện Cẩm Xuyên"),
    ("443", "Huyện Can Lộc", DivisionType.RURAL_DISTRICT, "UBND huyện Can Lộc"),
    ("440", "Huyện Đức Thọ", DivisionType.RURAL_DISTRICT, "UBND huyện Đức Thọ"),
    ("444", "Huyện Hương Khê", DivisionType.RURAL_DISTRICT, "UBND huyện Hương Khê"),
    ("439", "Huyện Hương Sơn", DivisionType.RURAL_DISTRICT, "UBND huyện Hương Sơn"),
    ("447", "Huyện Kỳ Anh", DivisionType.RURAL_DISTRICT, "UBND huyện Kỳ Anh"),
    ("448", "Huyện Lộc Hà", DivisionType.RURAL_DISTRICT, "UBND huyện Lộc Hà"),
    ("442", "Huyện Nghi Xuân", DivisionType.RURAL_DISTRICT, "UBND huyện Nghi Xuân"),
    ("445", "Huyện Thạch Hà", DivisionType.RURAL_DISTRICT, "UBND huyện Thạch Hà"),
    ("441", "Huyện Vũ Quang", DivisionType.RURAL_DISTRICT, "UBND huyện Vũ Quang"),
]

# 2017 departments and province-level bodies under UBND tỉnh, in the order of the 2017 documents.
DEPARTMENTS_2017 = [
    "Sở Thông tin và Truyền thông",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Khoa học và Công nghệ",
    "Sở Y tế",
    "Sở Tài nguyên và Môi trường",
    "Sở Nội vụ",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo",
    "Sở Xây dựng",
    "Sở Giao thông Vận tải",
    "Sở Tư pháp",
    "Sở Ngoại vụ",
    "Sở Lao động - Thương binh và Xã hội",
]

# District GSO code → GSO codes of the 2025 communes/wards that took over (see the module docstring).
DISTRICT_SUCCESSOR_WARDS = {
    "436": [18073, 18100, 18652],
    "437": [18115, 18118],
    "439": [18133, 18160, 18163, 18172, 18184, 18196, 18199, 18202, 18223],
    "440": [18229, 18244, 18262, 18277, 18304],
    "441": [18313, 18322, 18328],
    "442": [18352, 18364, 18373, 18394],
    "443": [18406, 18418, 18436, 18466, 18481, 18484],
    "444": [18496, 18502, 18523, 18532, 18544, 18547, 18550],
    "445": [18562, 18586, 18601, 18604, 18619, 18628, 18634, 18667],
    "446": [18673, 18676, 18682, 18685, 18736, 18739, 18742, 18748],
    "447": [18766, 18775, 18787, 18790, 18814, 18838, 18844],
    "448": [18409, 18568, 18583],
    "449": [18754, 18781, 18823, 18832],
}

DEMO_NOTE = "Số hiệu văn bản bắt đầu bằng DEMO- là số mẫu, chưa đối chiếu với văn bản thật."


def _ident(level2: int = 0, level3: int = 0) -> str:
    return agency_identifier_format(level1=PROVINCE_IDENTIFIER, level2=level2, level3=level3)


def _province_name() -> str:
    from vietnam_provinces import Province, ProvinceCode

    return Province.from_code(ProvinceCode(PROVINCE_CODE)).name


def _agency(name: str, **kwargs) -> Agency:
    return agency_create(actor=None, name=name, valid_from=HISTORY_START, **kwargs)


@demo_step(order=5, label="Cơ quan, đơn vị Hà Tĩnh năm 2017")
def demo_hatinh_2017(report) -> None:
    with transaction.atomic():
        if Agency.objects.filter(identifier=_ident()).exists():
            return
        province = AdministrativeUnit.objects.filter(code=f"{PROVINCE_CODE}", valid_to__isnull=True).first()
        if province is None:
            province = administrative_unit_record(
                actor=None,
                code=f"{PROVINCE_CODE}",
                name=_province_name(),
                division_type=DivisionType.PROVINCE,
                level=Level.PROVINCE,
                valid_from=HISTORY_START,
                source="Dữ liệu mẫu: lịch sử ghi nhận từ 01/01/2017",
            )
        order = iter(range(1, 1000))
        party = _agency(
            "Tỉnh ủy Hà Tĩnh", category=Category.PARTY_COMMITTEE, level=Level.PROVINCE, sort_order=next(order)
        )
        _agency(
            "Văn phòng Tỉnh ủy", category=Category.OFFICE, level=Level.PROVINCE, kind=Agency.Kind.UNIT, parent=party
        )
        council = _agency(
            "HĐND tỉnh Hà Tĩnh",
            category=Category.PEOPLES_COUNCIL,
            level=Level.PROVINCE,
            administrative_unit=province,
            sort_order=next(order),
        )
        _agency(
            "Văn phòng HĐND tỉnh", category=Category.OFFICE, level=Level.PROVINCE, kind=Agency.Kind.UNIT, parent=council
        )
        committee = _agency(
            "UBND tỉnh Hà Tĩnh",
            category=Category.PEOPLES_COMMITTEE,
            level=Level.PROVINCE,
            administrative_unit=province,
            identifier=_ident(),
            sort_order=next(order),
        )
        _agency(
            "Công an tỉnh Hà Tĩnh",
            category=Category.POLICE,
            level=Level.PROVINCE,
            administrative_unit=province,
            sort_order=next(order),
        )
        office = _agency(
            "Văn phòng UBND tỉnh",
            category=Category.OFFICE,
            level=Level.PROVINCE,
            parent=committee,
            identifier=_ident(1),
            sort_order=next(order),
        )
        _agency(
            "Trung tâm Công báo - Tin học",
            category=Category.CENTRE,
            level=Level.PROVINCE,
            kind=Agency.Kind.UNIT,
            parent=office,
            identifier=_ident(1, 1),
        )
        level2 = 1
        for name in DEPARTMENTS_2017:
            level2 += 1
            department = _agency(
                name,
                category=Category.DEPARTMENT,
                level=Level.PROVINCE,
                parent=committee,
                identifier=_ident(level2),
                sort_order=next(order),
            )
            if name == "Sở Thông tin và Truyền thông":
                for number, (unit_name, category) in enumerate(
                    [
                        ("Phòng Công nghệ thông tin", Category.DIVISION),
                        ("Trung tâm Công nghệ thông tin và Truyền thông", Category.CENTRE),
                    ],
                    start=1,
                ):
                    _agency(
                        unit_name,
                        category=category,
                        level=Level.PROVINCE,
                        kind=Agency.Kind.UNIT,
                        parent=department,
                        identifier=_ident(level2, number),
                    )
        level2 += 1
        _agency(
            "Thanh tra tỉnh",
            category=Category.INSPECTORATE,
            level=Level.PROVINCE,
            parent=committee,
            identifier=_ident(level2),
            sort_order=next(order),
        )
        report("UBND tỉnh, các sở, ngành")
        for code, unit_name, division_type, committee_name in DISTRICTS_2017:
            unit = administrative_unit_record(
                actor=None,
                code=code,
                name=unit_name,
                division_type=division_type,
                level=Level.DISTRICT,
                parent=province,
                valid_from=HISTORY_START,
                valid_to=DISTRICTS_END,
                source="Dữ liệu mẫu: mã cấp huyện của Tổng cục Thống kê",
            )
            level2 += 1
            district = _agency(
                committee_name,
                category=Category.PEOPLES_COMMITTEE,
                level=Level.DISTRICT,
                parent=committee,
                administrative_unit=unit,
                identifier=_ident(level2),
                sort_order=next(order),
            )
            _agency(
                f"Trung tâm Hành chính công {unit_name[0].lower()}{unit_name[1:]}",
                category=Category.ONE_STOP_DESK,
                level=Level.DISTRICT,
                kind=Agency.Kind.UNIT,
                parent=district,
                identifier=_ident(level2, 1),
            )
        report("13 UBND cấp huyện")
        agencies_establish(
            actor=None,
            specs=[
                AgencySpec(
                    name="Trung tâm Hành chính công tỉnh",
                    category=Category.PUBLIC_SERVICE_CENTRE,
                    level=Level.PROVINCE,
                    kind=Agency.Kind.UNIT,
                    parent=office,
                    identifier=_ident(1, 2),
                )
            ],
            effective_date=date(2017, 10, 1),
            decision=Decision("DEMO-01/QĐ-UBND", date(2017, 9, 15), "UBND tỉnh Hà Tĩnh"),
            note="Thành lập Trung tâm Hành chính công tỉnh (ngày hiệu lực là ngày mẫu). " + DEMO_NOTE,
        )
        report("Trung tâm Hành chính công tỉnh")


def _by_name(name: str) -> Agency:
    return Agency.objects.get(versions__name=name, valid_from=HISTORY_START)


def _done(decision_number: str) -> bool:
    return ReorganisationEvent.objects.filter(decision_number=decision_number).exists()


@demo_step(order=6, label="Sắp xếp bộ máy năm 2025 và chính quyền hai cấp")
def demo_hatinh_2025(report) -> None:
    with transaction.atomic():
        result = administrative_units_import(actor=None, province_code=PROVINCE_CODE, valid_from=TWO_LEVELS_START)
        report(f"{len(result.units) - 1} xã, phường từ gói vietnam-provinces")
        if not Agency.objects.filter(identifier=_ident()).exists():
            return
        hdnd = "HĐND tỉnh Hà Tĩnh"
        mergers = [
            ("DEMO-01/NQ-HĐND", ["Sở Thông tin và Truyền thông"], "Sở Khoa học và Công nghệ"),
            ("DEMO-02/NQ-HĐND", ["Sở Kế hoạch và Đầu tư"], "Sở Tài chính"),
            ("DEMO-03/NQ-HĐND", ["Sở Giao thông Vận tải"], "Sở Xây dựng"),
            ("DEMO-05/NQ-HĐND", ["Sở Lao động - Thương binh và Xã hội"], "Sở Nội vụ"),
        ]
        for number, predecessors, successor in mergers:
            if _done(number):
                continue
            agencies_merge(
                actor=None,
                predecessors=[_by_name(name) for name in predecessors],
                into=_by_name(successor),
                effective_date=DEPARTMENT_MERGERS,
                decision=Decision(number, date(2025, 2, 26), hdnd),
                note=f"Sáp nhập {', '.join(predecessors)} vào {successor}. {DEMO_NOTE}",
            )
        if not _done("DEMO-04/NQ-HĐND"):
            agencies_merge(
                actor=None,
                predecessors=[
                    _by_name("Sở Tài nguyên và Môi trường"),
                    _by_name("Sở Nông nghiệp và Phát triển nông thôn"),
                ],
                into=AgencySpec(
                    name="Sở Nông nghiệp và Môi trường",
                    category=Category.DEPARTMENT,
                    level=Level.PROVINCE,
                    parent=_by_name("UBND tỉnh Hà Tĩnh"),
                    identifier=_ident(50),
                ),
                effective_date=DEPARTMENT_MERGERS,
                decision=Decision("DEMO-04/NQ-HĐND", date(2025, 2, 26), hdnd),
                note=f"Hợp nhất thành Sở Nông nghiệp và Môi trường. {DEMO_NOTE}",
            )
        if not _done("DEMO-06/NQ-HĐND"):
            responsibilities_transfer(
                actor=None,
                transfers=[
                    Transfer(
                        _by_name("Sở Lao động - Thương binh và Xã hội"),
                        _by_name("Sở Y tế"),
                        "Bảo trợ xã hội; trẻ em; phòng, chống tệ nạn xã hội",
                    )
                ],
                effective_date=DEPARTMENT_MERGERS,
                decision=Decision("DEMO-06/NQ-HĐND", date(2025, 2, 26), hdnd),
                note=DEMO_NOTE,
            )
        report("Sắp xếp các sở")
        _two_level_government(report)


def _commune_committee_name(ward_name: str) -> str:
    return f"UBND {ward_name[0].lower()}{ward_name[1:]}"


def _two_level_government(report) -> None:
    establish_number = "DEMO-NQ-UBTVQH15 (Hà Tĩnh)"
    if not _done(establish_number):
        committee = _by_name("UBND tỉnh Hà Tĩnh")
        wards = AdministrativeUnit.objects.valid_on(TWO_LEVELS_START).filter(
            level=Level.COMMUNE, parent__code=f"{PROVINCE_CODE}"
        )
        agencies_establish(
            actor=None,
            specs=[
                AgencySpec(
                    name=_commune_committee_name(ward.name),
                    category=Category.PEOPLES_COMMITTEE,
                    level=Level.COMMUNE,
                    parent=committee,
                    administrative_unit=ward,
                    sort_order=1000 + index,
                )
                for index, ward in enumerate(wards.order_by("code"))
            ],
            effective_date=TWO_LEVELS_START,
            decision=Decision(establish_number, date(2025, 6, 16), "Ủy ban Thường vụ Quốc hội"),
            note="UBND các xã, phường sau sắp xếp đơn vị hành chính cấp xã. " + DEMO_NOTE,
        )
        report("UBND 69 xã, phường")
    abolish_number = "72/2025/QH15"
    if _done(abolish_number):
        return
    transfers = []
    districts = []
    for code, *_ in DISTRICTS_2017:
        district = Agency.objects.get(
            category=Category.PEOPLES_COMMITTEE, administrative_unit__code=code, valid_from=HISTORY_START
        )
        districts.append(district)
        for ward_code in DISTRICT_SUCCESSOR_WARDS[code]:
            commune = Agency.objects.get(
                category=Category.PEOPLES_COMMITTEE,
                administrative_unit__code=f"{ward_code:05d}",
                valid_from=TWO_LEVELS_START,
            )
            transfers.append(Transfer(district, commune, "Nhiệm vụ, thủ tục hành chính cấp huyện trên địa bàn"))
    agencies_abolish(
        actor=None,
        agencies=districts,
        transfers=transfers,
        effective_date=TWO_LEVELS_START,
        decision=Decision(abolish_number, None, "Quốc hội"),
        note="Kết thúc hoạt động của chính quyền cấp huyện (Luật Tổ chức chính quyền địa phương).",
    )
    report("Kết thúc cấp huyện")


@demo_step(order=7, label="Mã định danh UBND cấp xã (mẫu)")
def demo_commune_identifiers(report) -> None:
    """Level-2 identifiers for the 69 commune committees, which report to UBND tỉnh since 01/7/2025.

    The province's real assignment is not known to us: numbers still free at level 2 are used in
    GSO order, then — by the rule that two agencies in force at the same time never share an
    identifier — the numbers of the district committees that ended on 30/06/2025. Demo data.
    """
    communes = list(
        Agency.objects.valid_on(TWO_LEVELS_START)
        .filter(category=Category.PEOPLES_COMMITTEE, level=Level.COMMUNE)
        .order_by("administrative_unit__code")
    )
    missing = [c for c in communes if not c.identifier]
    if not missing:
        return
    in_force = set(
        Agency.objects.valid_on(TWO_LEVELS_START).exclude(identifier="").values_list("identifier", flat=True)
    )
    ever = set(Agency.objects.exclude(identifier="").values_list("identifier", flat=True))
    never_used = [n for n in range(2, 100) if _ident(n) not in ever]
    freed = [n for n in range(2, 100) if _ident(n) in ever and _ident(n) not in in_force]
    pool = iter(never_used + freed)
    for commune in missing:
        agency_identifier_set(actor=None, agency=commune, identifier=_ident(next(pool)))
    report(f"{len(missing)} mã")
