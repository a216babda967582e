"""Catalogue search on the database in use: the same table of queries must pass on SQLite and PostgreSQL.

The suite runs on both (``scripts/with-postgres.sh``), so one expected list per query checks that
the two engines return the same procedures in the same order.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from apps.procedures.actions import life_event_save, procedure_deactivate, procedure_update, sector_save
from apps.procedures.catalogue_io import procedure_spec_of
from apps.procedures.models import Procedure, ProcedureSearchEntry
from apps.procedures.search import (
    MAX_WORDS,
    catalogue_query,
    search_filter,
    search_words,
    similarity,
)
from apps.procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "xd": "Cấp giấy phép xây dựng",
    "xd_nha": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "xd_sua": "Điều chỉnh giấy phép xây dựng",
    "khai_sinh": "Đăng ký khai sinh",
    "ket_hon": "Đăng ký kết hôn",
    "duoc": "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược",
    "trich_luc": "Cấp bản sao trích lục hộ tịch",
    "chung_thuc": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
}


@pytest.fixture
def catalogue():
    construction = sector_save(actor=None, code="XD", name="Hoạt động xây dựng")
    civil = sector_save(actor=None, code="HT", name="Hộ tịch")
    pharmacy = sector_save(actor=None, code="DUOC", name="Dược phẩm")
    certify = sector_save(actor=None, code="CT", name="Chứng thực")
    life_event_save(actor=None, code="khai-sinh", name="Khai sinh, chăm sóc con nhỏ")
    sectors = {
        "xd": construction,
        "xd_nha": construction,
        "xd_sua": construction,
        "khai_sinh": civil,
        "ket_hon": civil,
        "duoc": pharmacy,
        "trich_luc": civil,
        "chung_thuc": certify,
    }
    made = {}
    for key, name in NAMES.items():
        extra = {"life_event_codes": ["khai-sinh"]} if key == "khai_sinh" else {}
        made[key] = ProcedureFactory(name, sector=sectors[key], **extra)
    arts = sector_save(actor=None, code="NT", name="Nghệ thuật biểu diễn")
    karaoke = ProcedureFactory("Cấp giấy phép kinh doanh karaoke", sector=arts)
    made["karaoke"] = procedure_deactivate(actor=None, procedure=karaoke)
    return made


def found(text: str, queryset=None) -> list[str]:
    query = catalogue_query(text)
    qs = search_filter(queryset if queryset is not None else Procedure.objects.all(), query)
    return list(qs.values_list("name", flat=True))


def names(*keys: str) -> list[str]:
    return [NAMES[key] for key in keys]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("cap giay phep xay dung", names("xd", "xd_nha"), id="no-diacritics"),
        pytest.param("Cấp giấy phép xây dựng", names("xd", "xd_nha"), id="with-diacritics"),
        pytest.param("CAP GIAY PHEP XAY DUNG", names("xd", "xd_nha"), id="upper-case"),
        pytest.param("đăng ký khai sinh", names("khai_sinh"), id="d-stroke"),
        pytest.param("dang ky khai sinh", names("khai_sinh"), id="d-stroke-typed-as-d"),
        pytest.param("ĐĂNG KÝ KẾT HÔN", names("ket_hon"), id="capital-d-stroke"),
        pytest.param("dieu chinh giay phep", names("xd_sua"), id="d-at-start"),
        pytest.param("xay dung giay phep cap", names("xd", "xd_nha"), id="word-order"),
        pytest.param("giay phep xay d", names("xd", "xd_sua", "xd_nha"), id="partial-last-word"),
        pytest.param("giay ph xay dun", names("xd", "xd_sua", "xd_nha"), id="partial-words"),
        pytest.param("giay phepp xay dung", names("xd", "xd_sua", "xd_nha"), id="typo-doubled-letter"),
        pytest.param("chung thuc ban sao", names("chung_thuc"), id="typo-free-control"),
        pytest.param("chunng thuc ban sao", names("chung_thuc"), id="typo-in-first-word"),
        pytest.param("ho tich", names("trich_luc", "ket_hon", "khai_sinh"), id="sector-name-ranks-name-matches-first"),
        pytest.param("cham soc con nho", names("khai_sinh"), id="life-event-name"),
        pytest.param("karaoke", ["Cấp giấy phép kinh doanh karaoke"], id="inactive-still-indexed"),
        pytest.param("kinh doanh duoc", names("duoc"), id="middle-words"),
        pytest.param("xyzzyq", [], id="unknown-word"),
        pytest.param("giay phep xyzzyq", [], id="one-unknown-word-means-no-match"),
    ],
)
def test_search_table(catalogue, text, expected):
    assert found(text) == expected


def test_the_exact_name_ranks_first(catalogue):
    assert found("cấp giấy phép xây dựng")[0] == "Cấp giấy phép xây dựng"


def test_a_typo_is_reported_with_the_word_used(catalogue):
    query = catalogue_query("giay phepp xay dung")
    assert query.corrected == [("phepp", "phep")]
    assert query.can_match


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("' OR 1=1 --", id="sql-or"),
        pytest.param("'; DROP TABLE procedures_procedure; --", id="sql-drop"),
        pytest.param('giay* AND NOT "phep', id="fts5-syntax"),
        pytest.param("xay & !dung | cap:*", id="tsquery-syntax"),
        pytest.param("%_%", id="like-wildcards"),
        pytest.param("NEAR(giay phep, 2)", id="fts5-near"),
    ],
)
def test_query_syntax_in_the_text_is_only_words(catalogue, text):
    result = found(text)
    assert Procedure.objects.count() == len(NAMES) + 1
    # Whatever it finds, every result holds each word typed, as a word prefix or a close word.
    query = catalogue_query(text)
    for name in result:
        entry = ProcedureSearchEntry.objects.get(procedure__name=name)
        words = set(search_words(f"{entry.name} {entry.extra}"))
        for term in query.terms:
            assert any(w.startswith(term.word) for w in words) or set(term.corrections) & words, (name, term)


def test_sql_looking_text_finds_by_its_words_only(catalogue):
    assert found("'; DROP TABLE procedures_procedure; --") == []
    assert found("xay dung' OR '1'='1") == []
    assert found('"cap giay phep xay dung"') == names("xd", "xd_nha")


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        pytest.param("!!! ???", "không có chữ cái hay chữ số", id="punctuation"),
        pytest.param("— … ·", "không có chữ cái hay chữ số", id="symbols"),
        pytest.param("漢字", "không có chữ cái hay chữ số", id="other-script"),
    ],
)
def test_garbage_gives_a_clear_message_and_no_rows(catalogue, text, message_part):
    query = catalogue_query(text)
    assert message_part in query.problem
    assert not query.can_match
    assert found(text) == []


def test_empty_query_is_no_search():
    query = catalogue_query("   ")
    assert query.is_empty and not query.problem and not query.terms


def test_long_query_is_cut_to_the_first_words(catalogue):
    query = catalogue_query("cap giay phep xay dung " * 100)
    assert len(query.text) <= 200
    assert [t.word for t in query.terms] == ["cap", "giay", "phep", "xay", "dung"]
    many = catalogue_query(" ".join(f"tu{i}" for i in range(30)))
    assert len(many.terms) == MAX_WORDS


def test_filters_compose_with_search(catalogue):
    active = Procedure.objects.filter(is_active=True)
    assert found("karaoke", active) == []
    assert found("giay phep", active.filter(sector__code="XD")) == names("xd", "xd_sua", "xd_nha")


def test_renaming_a_procedure_reindexes_it(catalogue):
    procedure = catalogue["xd_sua"]
    spec = procedure_spec_of(procedure)
    spec.name = "Gia hạn giấy phép xây dựng"
    procedure_update(actor=None, procedure=procedure, spec=spec)
    assert found("dieu chinh giay phep") == []
    assert found("gia han giay phep") == ["Gia hạn giấy phép xây dựng"]


def test_renaming_a_sector_reindexes_its_procedures(catalogue):
    sector_save(actor=None, code="CT", name="Chứng thực bản sao điện tử")
    assert found("dien tu") == names("chung_thuc")


def test_rebuild_command_restores_the_index(catalogue):
    before = {text: found(text) for text in ["cap giay phep xay dung", "ho tich", "giay phepp"]}
    ProcedureSearchEntry.objects.all().delete()
    assert found("cap giay phep xay dung") == []
    call_command("procedures_search_rebuild", verbosity=0)
    assert {text: found(text) for text in before} == before
    assert ProcedureSearchEntry.objects.count() == Procedure.objects.count()


def test_entry_holds_folded_words_only(catalogue):
    entry = ProcedureSearchEntry.objects.get(procedure=catalogue["khai_sinh"])
    assert entry.name == "dang ky khai sinh"
    assert "ho tich" in entry.extra and "khai sinh cham soc con nho" in entry.extra


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("phep", "phep", 1.0), ("phepp", "phep", 4 / 7), ("dugn", "dung", 2 / 8), ("d", "dung", 1 / 6)],
)
def test_similarity_is_pg_trgm_similarity(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension")
def test_python_similarity_agrees_with_pg_trgm():
    pairs = [
        ("phepp", "phep"),
        ("dugn", "dung"),
        ("chunng", "chung"),
        ("ngiep", "nghiep"),
        ("d", "dung"),
        ("xa", "xay"),
        ("h27", "000130"),
        ("karaoke", "karaokee"),
    ]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert cursor.fetchone()[0] == pytest.approx(similarity(a, b), abs=1e-6), (a, b)


def test_demo_catalogue_is_searchable_once_seeded():
    from apps.organizations.demo import demo_hatinh_2017, demo_hatinh_2025
    from apps.procedures.demo import demo_procedures

    for step in (demo_hatinh_2017, demo_hatinh_2025, demo_procedures):
        step(lambda message: None)

    assert ProcedureSearchEntry.objects.count() == Procedure.objects.count() > 20
    top = found("cap giay phep xay dung", Procedure.objects.filter(is_active=True))
    # Names starting with the words typed come first, the shortest first.
    assert top[0] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV" in top[:4]
    assert all(name.startswith("Cấp giấy phép xây dựng") for name in top[:4])
    assert found("dang ky khai sinh")[0] == "Đăng ký khai sinh"


def test_an_agency_renamed_by_a_reorganisation_is_searched_by_its_new_name(catalogue):
    import importlib
    from datetime import date

    import apps.procedures.tasks
    from apps.accounts.tests.factories import AgencyFactory
    from apps.core.schedule import periodic_tasks
    from apps.organizations.actions import Decision, agency_rename
    from apps.procedures.search import search_entry_save, search_index_refresh

    agency = AgencyFactory("Sở Tài nguyên và Môi trường", valid_from=date(2020, 1, 1))
    procedure = catalogue["duoc"]
    procedure.competent_agency = agency
    procedure.save(update_fields=["competent_agency"])
    search_entry_save(procedure)
    assert found("so tai nguyen moi truong") == [procedure.name]

    agency_rename(
        actor=None,
        agency=agency,
        name="Sở Nông nghiệp và Môi trường",
        effective_date=date.today(),
        decision=Decision(number="15/QĐ-UBND"),
    )
    assert found("so nong nghiep moi truong") == []  # the organizations action does not touch the index

    importlib.reload(apps.procedures.tasks)  # other tests swap the registry; register into the live one
    assert "apps.procedures.tasks.catalogue_index_refresh" in {p.name for p in periodic_tasks()}
    assert apps.procedures.tasks.catalogue_index_refresh.call() == {"refreshed": 1}

    assert found("so nong nghiep moi truong") == [procedure.name]
    assert found("so tai nguyen moi truong") == []
    assert search_index_refresh() == 0
