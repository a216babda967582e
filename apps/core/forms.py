"""Input parsing for core's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CalendarOverrideForm(forms.Form):
    day = forms.DateField(
        label=_("Day (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y"],
        error_messages={
            "invalid": "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 02/01/2027.",
            "required": "Cần nhập ngày.",
        },
    )
    is_working_day = forms.TypedChoiceField(
        label=_("The day becomes"),
        choices=[("0", _("a day off")), ("1", _("a working day"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (announcement that decided it)"),
        max_length=300,
        error_messages={"required": "Cần ghi lý do (văn bản công bố lịch nghỉ, làm bù)."},
    )
