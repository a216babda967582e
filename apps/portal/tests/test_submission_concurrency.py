"""Two submits of one draft at the same moment (a double click, a retry while the first is still
running), in real threads with their own connections: one dossier (row lock on PostgreSQL,
serialised writers on SQLite)."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.uploads import upload_check
from apps.dossiers.models import Dossier, DossierDocument
from apps.portal.models import SubmissionDraft
from apps.portal.submission.actions import draft_create, draft_file_attach, draft_save
from tests.concurrency import at_once

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready_draft(portal, citizen, media) -> SubmissionDraft:
    draft = draft_create(actor=citizen, procedure=portal.procedure, receiving_agency=portal.department)
    draft = draft_save(
        actor=citizen,
        draft=draft,
        applicant_data={
            "applicant_type": "citizen",
            "name": "Đặng Quốc Khánh",
            "id_number": "042090001234",
            "phone": "0912345678",
            "address": "Số 5 Trần Phú, Hà Tĩnh",
        },
        form_data={
            "ho_ten": "Đặng Quốc Khánh",
            "ngay_sinh": "04/03/1990",
            "so_dinh_danh": "042090001234",
            "dien_tich": "80",
            "loai_cong_trinh": "Nhà ở riêng lẻ",
        },
    )
    for requirement in portal.requirements:
        if requirement.mandatory:
            checked = upload_check(pdf_upload(f"giay-to-{requirement.order}.pdf"))
            draft_file_attach(actor=citizen, draft=draft, requirement=requirement, checked=checked)
    return draft


def test_two_submits_of_one_draft_at_once_make_one_dossier(ready_draft, citizen):
    url = reverse("portal:draft-review", args=[ready_draft.uuid])
    data = {"procedure": ready_draft.procedure.code, "token": ready_draft.token}

    def click():
        browser = Client()
        browser.force_login(citizen)
        return browser.post(url, data)

    (first, second), errors = at_once(click, click)

    assert errors == [None, None]
    dossier = Dossier.objects.get()
    expected = reverse("portal:submit-done", args=[dossier.uuid])
    assert (first.status_code, first["Location"]) == (302, expected)
    assert (second.status_code, second["Location"]) == (302, expected)
    assert DossierDocument.objects.filter(dossier=dossier).count() == 2
    ready_draft.refresh_from_db()
    assert (ready_draft.state, ready_draft.dossier_id) == (SubmissionDraft.State.SUBMITTED, dossier.pk)
