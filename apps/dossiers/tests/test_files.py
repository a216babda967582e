"""Files of a dossier: a refused file leaves no byte in storage, and the files of a transaction that
rolled back after writing them are swept once they are old enough to belong to no running one."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.dossiers import actions
from apps.dossiers.errors import DossierError, DossierErrorCode
from apps.dossiers.files import ORPHAN_AGE, orphan_files_sweep
from apps.dossiers.models import Dossier, DossierDocument

from .conftest import full_documents

pytestmark = pytest.mark.django_db
APPLICANT = actions.ApplicantInput(name="Đặng Quốc Khánh", phone="0912345678", id_number="042090001234")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Đơn đề nghị cấp giấy phép xây dựng</h1>").write_pdf()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def with_files(world, *files) -> list[actions.DocumentInput]:
    documents = full_documents(world.procedure)
    for n, (name, content) in enumerate(files):
        documents[n] = replace(documents[n], file=SimpleUploadedFile(name, content), paper_only=False)
    return documents


def intake(world, documents):
    return actions.dossier_intake(
        actor=world.desk,
        procedure=world.procedure,
        receiving_agency=world.department,
        applicant=APPLICANT,
        documents=documents,
    )


def test_a_refused_file_among_good_ones_leaves_no_file_and_no_dossier(world, media, pdf):
    documents = with_files(world, ("don.pdf", pdf), ("ban-ve.pdf", b"MZ\x90\x00" + b"\x00" * 200))

    with pytest.raises(DossierError) as refused:
        intake(world, documents)

    assert refused.value.code == DossierErrorCode.FILE_REFUSED
    assert stored_files(media) == []
    assert not Dossier.objects.exists()


def test_files_of_a_rolled_back_intake_are_swept_when_old_and_kept_files_stay(world, media, pdf):
    kept = intake(world, with_files(world, ("don.pdf", pdf)))
    with pytest.raises(RuntimeError), transaction.atomic():  # e.g. the desk view's next step failed
        intake(world, with_files(world, ("don-2.pdf", pdf)))
        raise RuntimeError("bước sau thất bại")
    assert Dossier.objects.count() == 1 and len(stored_files(media)) == 2

    assert orphan_files_sweep() == []  # too young: it could be a transaction still running
    later = timezone.now() + ORPHAN_AGE + timedelta(minutes=1)
    removed = orphan_files_sweep(now=later)

    document = DossierDocument.objects.get(dossier=kept, file__gt="")
    assert len(removed) == 1 and removed[0] != document.file.name
    assert stored_files(media) == [media / document.file.name]
    assert orphan_files_sweep(now=later) == []  # twice: nothing more


def test_the_sweep_is_a_periodic_task(media):
    import importlib

    import apps.dossiers.tasks
    from apps.core.schedule import periodic_tasks

    importlib.reload(apps.dossiers.tasks)  # other tests swap the registry; register into the live one

    assert "apps.dossiers.tasks.dossier_orphan_files_sweep" in {p.name for p in periodic_tasks()}
    assert apps.dossiers.tasks.dossier_orphan_files_sweep.call() == {"removed": 0}
