"""Background work of the exchange: the outbox and the receipts (both safe to run twice)."""

import logging
from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every

logger = logging.getLogger("egov.exchange")


@every(timedelta(minutes=1))
@task
def outbox_process() -> dict:
    """Deliver what is due in the outbox, backing off on failures."""
    from .actions import outbox_run

    return outbox_run()


@task
def receipt_seal(direction: str, package_uuid: str) -> str:
    """Seal the receipt of one sent or received package (none while signing is switched off)."""
    from apps.signing.errors import SigningError

    from .receipts import receipt_seal as seal

    try:
        return seal(direction=direction, package_uuid=package_uuid)
    except SigningError as error:
        logger.warning("exchange receipt not sealed", extra={"package": package_uuid, "code": error.code})
        return ""
