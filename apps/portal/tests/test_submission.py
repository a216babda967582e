"""Online submission through the portal pages: start, e-form and uploads, drafts, review, an
idempotent submit, and the bad inputs of issue 5 (wrong formats, missing documents, disguised or
oversized files, tampered hidden fields, someone else's draft), each refused with nothing stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.tests.factories import AgencyFactory
from apps.audit.models import AuditEvent
from apps.dossiers.models import Dossier, DossierDocument
from apps.dossiers.statuses import Channel, Status
from apps.portal.models import DraftFile, SubmissionDraft

from .conftest import committed, pdf_bytes, pdf_upload, stored_files


def start_draft(client, portal) -> SubmissionDraft:
    response = client.post(
        reverse("portal:submit-start", args=[portal.procedure.code]), {"agency": str(portal.department.uuid)}
    )
    assert response.status_code == 302
    return SubmissionDraft.objects.latest("created_at")


def good_post(draft: SubmissionDraft, **overrides) -> dict:
    data = {
        "procedure": draft.procedure.code,
        "token": draft.token,
        "applicant_type": "citizen",
        "name": "Đặng Quốc Khánh",
        "id_number": "042090001234",
        "phone": "0912345678",
        "email": "khanh@x.vn",
        "address": "Số 5 Trần Phú, Hà Tĩnh",
        "tk-ho_ten": "Đặng Quốc Khánh",
        "tk-ngay_sinh": "04/03/1990",
        "tk-so_dinh_danh": "042090001234",
        "tk-dien_thoai": "",
        "tk-dien_tich": "120,5",
        "tk-loai_cong_trinh": "Nhà ở riêng lẻ",
        "action": "review",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def with_files(portal, data: dict, **files) -> dict:
    mandatory = [r for r in portal.requirements if r.mandatory]
    uploads = {f"tep-{r.pk}": pdf_upload(f"giay-to-{r.order}.pdf") for r in mandatory}
    uploads.update(files)
    return {**data, **uploads}


def fill(client, portal, draft, **overrides):
    """Post the e-form with the mandatory files; ``tep-<id>=None`` leaves one out."""
    files = {k: v for k, v in overrides.items() if k.startswith("tep-")}
    fields = {k: v for k, v in overrides.items() if not k.startswith("tep-")}
    url = reverse("portal:draft-edit", args=[draft.uuid])
    data = with_files(portal, good_post(draft, **fields), **files)
    with committed():
        return client.post(url, {k: v for k, v in data.items() if v is not None})


def submit(client, draft, **overrides):
    data = {"procedure": draft.procedure.code, "token": draft.token, **overrides}
    with committed():
        return client.post(reverse("portal:draft-review", args=[draft.uuid]), data)


# --- the whole path ---------------------------------------------------------------------------------
def test_start_page_offers_the_receiving_agency_and_needs_sign_in(client, portal, citizen):
    url = reverse("portal:submit-start", args=[portal.procedure.code])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(citizen)
    page = client.get(url).content.decode()
    assert "Sở Xây dựng" in page and "Đơn đề nghị cấp giấy phép xây dựng" in page
    assert client.get(reverse("portal:submit-start", args=["khong-co"])).status_code == 404


def test_a_new_draft_is_prefilled_from_the_profile(signed_in, portal, citizen):
    draft = start_draft(signed_in, portal)
    assert draft.applicant == citizen and draft.state == SubmissionDraft.State.DRAFT
    assert draft.applicant_data["id_number"] == "042090001234"
    assert draft.applicant_data["phone"] == "0912345678"
    assert draft.form_data == {
        "ho_ten": "Đặng Quốc Khánh",
        "ngay_sinh": "04/03/1990",
        "so_dinh_danh": "042090001234",
        "dien_thoai": "0912345678",
    }
    page = signed_in.get(reverse("portal:draft-edit", args=[draft.uuid])).content.decode()
    assert 'value="042090001234"' in page and 'value="Số 5 Trần Phú, Hà Tĩnh"' in page
    assert 'value="04/03/1990"' in page
    assert AuditEvent.objects.filter(action="portal.draft_create", target_uuid=draft.uuid).exists()


def test_fill_review_submit_makes_one_online_dossier(signed_in, portal, citizen, media):
    draft = start_draft(signed_in, portal)

    response = fill(signed_in, portal, draft)
    assert response.status_code == 302 and response["Location"] == reverse("portal:draft-review", args=[draft.uuid])
    assert DraftFile.objects.filter(draft=draft).count() == 2
    review = signed_in.get(response["Location"]).content.decode()
    assert "120.5" in review and "Nhà ở riêng lẻ" in review

    response = submit(signed_in, draft)

    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:submit-done", args=[dossier.uuid])
    assert (dossier.status, dossier.channel, dossier.applicant) == (Status.NEW, Channel.ONLINE, citizen)
    assert dossier.idempotency_key == draft.token
    assert dossier.form_data == {
        "ho_ten": "Đặng Quốc Khánh",
        "ngay_sinh": "1990-03-04",
        "so_dinh_danh": "042090001234",
        "dien_tich": "120.5",
        "loai_cong_trinh": "Nhà ở riêng lẻ",
    }
    documents = list(dossier.documents.order_by("requirement__order"))
    assert [d.requirement for d in documents] == [r for r in portal.requirements if r.mandatory]
    assert all(d.file and d.content_type == "application/pdf" and not d.paper_only for d in documents)
    with documents[0].file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")
    draft.refresh_from_db()
    assert (draft.state, draft.dossier) == (SubmissionDraft.State.SUBMITTED, dossier)
    assert not DraftFile.objects.filter(draft=draft).exists()
    # only the dossier's own copies remain in storage (the draft's were removed on commit)
    assert sorted(p.name for p in stored_files(media)) == sorted(Path(d.file.name).name for d in documents)
    done = signed_in.get(response["Location"]).content.decode()
    assert "Cấp giấy phép xây dựng" in done or "Cấp giấy phép xây dựng" in dossier.procedure.name


def test_a_repeated_submit_returns_the_first_dossier(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    fill(signed_in, portal, draft)
    first = submit(signed_in, draft)
    second = submit(signed_in, draft)
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert signed_in.get(reverse("portal:draft-edit", args=[draft.uuid]))["Location"] == first["Location"]


def test_a_draft_is_saved_half_filled_and_resumed(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    data = good_post(draft, action="save", **{"tk-dien_tich": "", "phone": "091"})
    data[f"tep-{portal.requirements[0].pk}"] = pdf_upload("don.pdf")
    response = signed_in.post(reverse("portal:draft-edit", args=[draft.uuid]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.applicant_data["phone"] == "091" and draft.form_data["dien_tich"] == ""
    assert DraftFile.objects.get(draft=draft).requirement == portal.requirements[0]
    listing = signed_in.get(reverse("portal:my-dossiers")).content.decode()
    assert reverse("portal:draft-edit", args=[draft.uuid]) in listing
    page = signed_in.get(reverse("portal:draft-edit", args=[draft.uuid])).content.decode()
    assert 'value="091"' in page and "don.pdf" in page
    assert Dossier.objects.count() == 0


def test_a_new_upload_replaces_the_file_of_that_item(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    fill(signed_in, portal, draft)
    first = DraftFile.objects.get(draft=draft, requirement=portal.requirements[0])
    data = good_post(draft, action="save")
    data[f"tep-{portal.requirements[0].pk}"] = pdf_upload("don-moi.pdf")
    with committed():
        signed_in.post(reverse("portal:draft-edit", args=[draft.uuid]), data)
    replaced = DraftFile.objects.get(draft=draft, requirement=portal.requirements[0])
    assert replaced.pk != first.pk and replaced.name == "don-moi.pdf"
    assert not first.file.storage.exists(first.file.name)
    assert len(stored_files(media)) == 2


def test_a_file_is_removed_from_the_draft(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    fill(signed_in, portal, draft)
    stored = DraftFile.objects.filter(draft=draft).first()
    url = reverse("portal:draft-file-delete", args=[draft.uuid, stored.uuid])
    with committed():
        response = signed_in.post(url, {"procedure": draft.procedure.code, "token": draft.token})
    assert response.status_code == 302
    assert not DraftFile.objects.filter(pk=stored.pk).exists()
    assert len(stored_files(media)) == 1


# --- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "12345", "phải gồm đúng 12 chữ số"),
        ("id_number", "999090001234", "không phải mã tỉnh"),
        ("phone", "12345", "Số điện thoại di động không hợp lệ"),
        ("tk-ngay_sinh", "31/02/1990", "không hợp lệ; hãy ghi theo dạng ngày/tháng/năm"),
        ("tk-ngay_sinh", "1990/03/04", "không hợp lệ; hãy ghi theo dạng ngày/tháng/năm"),
        ("tk-so_dinh_danh", "04209000123X", "phải gồm đúng 12 chữ số"),
        ("tk-dien_thoai", "0123", "số điện thoại di động không hợp lệ"),
        ("tk-dien_tich", "một trăm", "phải là một số"),
        ("tk-loai_cong_trinh", "Lâu đài", "hãy chọn một trong các lựa chọn có sẵn"),
        ("name", " ", "Trường này là bắt buộc"),
    ],
    ids=[
        "cccd-short",
        "cccd-province",
        "phone",
        "date-impossible",
        "date-format",
        "eform-id",
        "eform-phone",
        "number",
        "select",
        "name-missing",
    ],
)
def test_wrong_formats_are_refused_in_vietnamese(signed_in, portal, media, field, value, message):
    draft = start_draft(signed_in, portal)
    response = fill(signed_in, portal, draft, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    response = submit(signed_in, draft)  # the stored draft is checked again at submit
    assert response.status_code == 302 and response["Location"] == reverse("portal:draft-edit", args=[draft.uuid])
    assert Dossier.objects.count() == 0


def test_missing_mandatory_documents_are_refused(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    drawing = portal.requirements[1]
    response = fill(signed_in, portal, draft, **{f"tep-{drawing.pk}": None})
    assert response.status_code == 400
    assert "Giấy tờ bắt buộc: hãy tải lên tệp PDF, JPEG hoặc PNG." in response.content.decode()
    submit(signed_in, draft)
    assert Dossier.objects.count() == 0
    # the draft action refuses it too, with the list of what is missing
    from apps.portal.submission.actions import draft_submit
    from apps.portal.submission.errors import SubmissionError

    with pytest.raises(SubmissionError) as refused:
        draft_submit(actor=draft.applicant, draft=draft, procedure_code=draft.procedure.code, token=draft.token)
    assert "Còn thiếu giấy tờ bắt buộc: Bản vẽ thiết kế." in refused.value.message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ban-ve.pdf", b"MZ\x90\x00" + b"\x00" * 300, "không phải PDF, JPEG hay PNG"),
        ("ban-ve.pdf", b"PK\x03\x04" + b"\x00" * 300, "tệp nén ZIP hoặc tệp Office"),
        ("ban-ve.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 30, "hỏng hoặc không đọc được"),
        ("ban-ve.pdf", b"%PDF-1.7\nnot really\n", "bị cắt cụt hoặc hỏng"),
    ],
    ids=["exe-as-pdf", "zip-as-pdf", "broken-jpeg", "truncated-pdf"],
)
def test_disguised_or_damaged_files_are_refused_and_never_stored(signed_in, portal, media, name, content, message):
    draft = start_draft(signed_in, portal)
    drawing = portal.requirements[1]
    response = fill(signed_in, portal, draft, **{f"tep-{drawing.pk}": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DraftFile.objects.filter(draft=draft, requirement=drawing).exists()
    assert all(p.read_bytes() != content for p in stored_files(media))
    assert len(stored_files(media)) == 1  # only the valid application form
    assert Dossier.objects.count() == 0


def test_an_oversized_file_is_refused_and_never_stored(signed_in, portal, media, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    draft = start_draft(signed_in, portal)
    big = pdf_bytes() + b"%" + b"x" * 4096 + b"\n%%EOF\n"
    response = fill(
        signed_in,
        portal,
        draft,
        **{f"tep-{r.pk}": SimpleUploadedFile("lon.pdf", big) for r in portal.requirements if r.mandatory},
    )
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode() and "tối đa 2 MB" not in response.content.decode()
    assert stored_files(media) == []
    assert not DraftFile.objects.exists()


def test_a_token_of_another_draft_is_refused(signed_in, portal, media):
    first = start_draft(signed_in, portal)
    second = start_draft(signed_in, portal)
    fill(signed_in, portal, first)
    response = submit(signed_in, first, token=second.token)
    assert response.status_code == 400
    assert "không khớp" in response.content.decode()
    assert Dossier.objects.count() == 0
    response = fill(signed_in, portal, first, token=second.token)
    assert response.status_code == 400 and "không khớp" in response.content.decode()


def test_a_tampered_procedure_is_refused(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    fill(signed_in, portal, draft)
    before = dict(SubmissionDraft.objects.filter(pk=draft.pk).values("applicant_data", "form_data").get())
    response = submit(signed_in, draft, procedure="1.000001")
    assert response.status_code == 400 and "không khớp" in response.content.decode()
    response = fill(signed_in, portal, draft, procedure="1.000001", name="Người Khác Hẳn")
    assert response.status_code == 400
    assert dict(SubmissionDraft.objects.filter(pk=draft.pk).values("applicant_data", "form_data").get()) == before
    assert Dossier.objects.count() == 0


def test_another_applicants_draft_is_not_found(client, portal, citizen, other_citizen, media):
    client.force_login(citizen)
    draft = start_draft(client, portal)
    fill(client, portal, draft)
    client.force_login(other_citizen)
    assert client.get(reverse("portal:draft-edit", args=[draft.uuid])).status_code == 404
    assert client.get(reverse("portal:draft-review", args=[draft.uuid])).status_code == 404
    assert submit(client, draft).status_code == 404
    stored = DraftFile.objects.filter(draft=draft).first()
    url = reverse("portal:draft-file-delete", args=[draft.uuid, stored.uuid])
    assert client.post(url, {"procedure": draft.procedure.code, "token": draft.token}).status_code == 404
    assert Dossier.objects.count() == 0 and DraftFile.objects.filter(draft=draft).count() == 2


def test_an_agency_not_offering_the_procedure_is_refused(signed_in, portal):
    elsewhere = AgencyFactory("Sở Tư pháp", identifier="000.00.16.H27")
    url = reverse("portal:submit-start", args=[portal.procedure.code])
    response = signed_in.post(url, {"agency": str(elsewhere.uuid)})
    assert response.status_code == 400
    assert "Hãy chọn cơ quan tiếp nhận trong danh sách." in response.content.decode()
    assert not SubmissionDraft.objects.exists()


def test_a_submitted_draft_cannot_be_changed(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    fill(signed_in, portal, draft)
    submit(signed_in, draft)
    dossier = Dossier.objects.get()
    response = fill(signed_in, portal, draft, name="Tên Mới")
    assert response.status_code == 302  # straight to the acknowledgement, nothing saved
    draft.refresh_from_db()
    assert draft.applicant_data["name"] == "Đặng Quốc Khánh"
    assert DossierDocument.objects.filter(dossier=dossier).count() == 2


def test_pages_have_no_inline_script_or_style(signed_in, portal, media):
    draft = start_draft(signed_in, portal)
    for url in [
        reverse("portal:submit-start", args=[portal.procedure.code]),
        reverse("portal:draft-edit", args=[draft.uuid]),
        reverse("portal:my-dossiers"),
    ]:
        page = signed_in.get(url).content.decode()
        assert "<script" not in page.split("</header>")[-1]
        assert " style=" not in page


def test_receiving_agencies_are_the_competent_one_and_the_service_centre(portal, django_assert_max_num_queries):
    from apps.organizations.models import Agency
    from apps.portal.submission.selectors import receiving_agencies

    centre = AgencyFactory("Trung tâm Phục vụ hành chính công tỉnh", category=Agency.Category.PUBLIC_SERVICE_CENTRE)
    AgencyFactory("Sở Tư pháp")  # another department: not competent
    with django_assert_max_num_queries(3):
        found = receiving_agencies(portal.procedure, portal.version)
    assert {a.pk for a in found} == {portal.department.pk, centre.pk}


def test_old_drafts_are_abandoned_and_their_files_removed(signed_in, portal, media):
    from datetime import timedelta

    from django.utils import timezone

    from apps.portal.submission.actions import drafts_expire
    from apps.portal.tasks import portal_drafts_expire

    old = start_draft(signed_in, portal)
    fill(signed_in, portal, old, action="save")
    fresh = start_draft(signed_in, portal)
    SubmissionDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=61))
    assert len(stored_files(media)) == 2

    with committed():
        assert portal_drafts_expire.call() == {"expired": 1}
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.state, fresh.state) == (SubmissionDraft.State.ABANDONED, SubmissionDraft.State.DRAFT)
    assert stored_files(media) == [] and not DraftFile.objects.exists()
    assert AuditEvent.objects.filter(action="portal.draft_expire", target_uuid=old.uuid).count() == 1
    response = signed_in.get(reverse("portal:draft-edit", args=[old.uuid]))
    assert response["Location"] == reverse("portal:submit-start", args=[portal.procedure.code])
    response = fill(signed_in, portal, old)
    assert response.status_code == 400 and "đã được nộp hoặc đã hủy" in response.content.decode()
    assert drafts_expire() == 0  # safe to run twice


@pytest.mark.parametrize(
    ("id_number", "accepted"),
    [("0100107116", True), ("0100107117", False), ("042090001234", False)],
    ids=["tax-code", "tax-code-check-digit", "citizen-id-for-an-organisation"],
)
def test_an_organisation_gives_a_tax_code(signed_in, portal, media, id_number, accepted):
    draft = start_draft(signed_in, portal)
    response = fill(signed_in, portal, draft, applicant_type="organization", name="Công ty TNHH Xây dựng Hồng Lĩnh",
                    id_number=id_number)  # fmt: skip
    if accepted:
        assert response.status_code == 302
        submit(signed_in, draft)
        dossier = Dossier.objects.get()
        assert (dossier.applicant_type, dossier.applicant_id_number) == ("organization", id_number)
    else:
        assert response.status_code == 400 and "Mã số thuế" in response.content.decode()
        assert submit(signed_in, draft).status_code == 302 and not Dossier.objects.exists()


def test_removing_a_file_of_another_draft_through_mine_is_refused(signed_in, portal, media):
    mine = start_draft(signed_in, portal)
    other = start_draft(signed_in, portal)
    fill(signed_in, portal, other, action="save")
    foreign = DraftFile.objects.filter(draft=other).first()
    url = reverse("portal:draft-file-delete", args=[mine.uuid, foreign.uuid])
    with committed():
        response = signed_in.post(url, {"procedure": mine.procedure.code, "token": mine.token}, follow=True)
    assert "không khớp" in response.content.decode()
    assert DraftFile.objects.filter(pk=foreign.pk).exists() and len(stored_files(media)) == 2
