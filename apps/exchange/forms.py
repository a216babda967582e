"""Filters of the exchange log and the recipient's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import STATUS_LABELS, OutgoingPackage

DATE_FORMATS = ["%d/%m/%Y"]
ANSWER_CODES = {2, 3, 4, 5, 6}


class LogFilterForm(forms.Form):
    huong = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("Sent and received")), ("di", _("Sent")), ("den", _("Received"))],
    )
    trang_thai = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            *OutgoingPackage.State.choices,
            *[(str(int(code)), label) for code, label in STATUS_LABELS.items()],
        ],
    )
    tu_ngay = forms.DateField(label=_("From (dd/mm/yyyy)"), required=False, input_formats=DATE_FORMATS)
    den_ngay = forms.DateField(label=_("To (dd/mm/yyyy)"), required=False, input_formats=DATE_FORMATS)
    q = forms.CharField(label=_("Number, symbol or abstract"), required=False, max_length=200)


class AnswerForm(forms.Form):
    trang_thai = forms.TypedChoiceField(
        label=_("Status"),
        coerce=int,
        choices=[(int(code), label) for code, label in STATUS_LABELS.items() if int(code) in ANSWER_CODES],
    )
    mo_ta = forms.CharField(label=_("Note"), required=False, max_length=1000)


class RecallForm(forms.Form):
    ly_do = forms.CharField(label=_("Reason for the recall"), max_length=1000)
