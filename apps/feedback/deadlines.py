"""When an agency must answer a citizen's feedback."""

from datetime import datetime

from django.conf import settings

from apps.core.working_days import get_calendar

DEFAULT_ANSWER_WORKING_DAYS = 10


def answer_working_days() -> int:
    """Working days an agency has to answer (setting ``FEEDBACK_ANSWER_WORKING_DAYS``, default 10).

    Ten working days is the platform's default service standard for PAKN, not a figure taken from a
    verified legal text: the province sets its own through the setting.
    """
    return int(getattr(settings, "FEEDBACK_ANSWER_WORKING_DAYS", DEFAULT_ANSWER_WORKING_DAYS))


def answer_deadline(submitted_at: datetime) -> datetime:
    """The moment the answer is due for feedback sent at ``submitted_at``.

    Counted on the legal calendar like a dossier's clock: feedback sent after 15:00, on a day off or
    outside office hours counts from the next working day's opening, then the working days are
    added (weekends, public holidays and the administrator's days off do not count).
    """
    calendar = get_calendar()
    return calendar.add_working_days(calendar.counting_start(submitted_at), answer_working_days())
