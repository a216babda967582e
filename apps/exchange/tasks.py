"""Background work of the exchange: the outbox and the receipts (both safe to run twice)."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every


@every(timedelta(minutes=1))
@task
def outbox_process() -> dict:
    """Deliver what is due in the outbox, backing off on failures."""
    from .actions import outbox_run

    return outbox_run()


@task
def receipt_seal(direction: str, package_uuid: str) -> str:
    """Seal the receipt of one sent or received package."""
    from .receipts import receipt_seal as seal

    return seal(direction=direction, package_uuid=package_uuid)
