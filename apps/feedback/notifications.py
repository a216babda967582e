"""The message to the submitter when their feedback is answered (SMS and e-mail, on commit)."""

from apps.core.folding import fold_text
from apps.core.messaging import send_email, send_sms

from .models import Feedback

SUBJECT = "Trả lời phản ánh, kiến nghị gửi {agency}"
BODY = "{agency} đã trả lời phản ánh, kiến nghị “{title}” của Ông/Bà:\n\n{answer}"
SMS = "{agency} đã trả lời phản ánh, kiến nghị của Ông/Bà: {answer}"


def feedback_notify_answered(feedback: Feedback) -> None:
    """Send the answer to the submitter once the current transaction commits.

    SMS text is ASCII (Vietnamese without marks) and cut to two messages' length.
    """
    values = {"agency": feedback.agency.name, "title": feedback.title, "answer": feedback.answer}
    if feedback.submitter_phone:
        send_sms(to=feedback.submitter_phone, body=fold_text(SMS.format(**values)).capitalize()[:300])
    if feedback.submitter_email:
        send_email(to=feedback.submitter_email, subject=SUBJECT.format(**values), body=BODY.format(**values))
