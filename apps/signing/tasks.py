"""Background tasks of the signing app."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every


@task
def signed_file_derive(signed_file_uuid: str) -> dict:
    """Make the page-1 thumbnail and the extracted text of a signed file (safe to run twice)."""
    from .derivatives import derivatives_make
    from .models import SignedFile

    signed_file = SignedFile.objects.filter(uuid=signed_file_uuid).first()
    if signed_file is None:
        return {"made": []}
    return {"made": derivatives_make(signed_file)}


@every(timedelta(hours=1))
@task
def pending_signatures_expire() -> dict:
    """Drop signing sessions that expired unfinished (safe to run twice)."""
    from .actions import pending_signatures_purge

    return {"deleted": pending_signatures_purge()}
