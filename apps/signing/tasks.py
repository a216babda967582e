"""Background tasks of the signing app."""

from django.tasks import task


@task
def signed_file_derive(signed_file_uuid: str) -> dict:
    """Make the page-1 thumbnail and the extracted text of a signed file (safe to run twice)."""
    from .derivatives import derivatives_make
    from .models import SignedFile

    signed_file = SignedFile.objects.filter(uuid=signed_file_uuid).first()
    if signed_file is None:
        return {"made": []}
    return {"made": derivatives_make(signed_file)}
