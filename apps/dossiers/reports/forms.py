"""The period and agency picker of the statistics page (query string, works without JavaScript)."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import Period

DATE_FORMAT = "%d/%m/%Y"
MAX_DAYS = 10 * 366


class StatisticsForm(forms.Form):
    KINDS = [
        ("nam", _("Year")),
        ("quy", _("Quarter")),
        ("thang", _("Month")),
        ("tuy_chon", _("Custom dates")),
    ]

    co_quan = forms.UUIDField(label=_("Agency"), required=False)
    ky = forms.ChoiceField(label=_("Period"), choices=KINDS, required=False)
    nam = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quy = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(q, q) for q in range(1, 5)], coerce=int, required=False, empty_value=None
    )
    thang = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, m) for m in range(1, 13)], coerce=int, required=False, empty_value=None
    )
    tu_ngay = forms.DateField(label=_("From (dd/mm/yyyy)"), input_formats=[DATE_FORMAT], required=False)
    den_ngay = forms.DateField(label=_("To (dd/mm/yyyy)"), input_formats=[DATE_FORMAT], required=False)

    def __init__(self, data=None, *, today: date | None = None):
        self.today = today or timezone.localdate()
        initial = {
            "ky": "nam",
            "nam": self.today.year,
            "quy": (self.today.month - 1) // 3 + 1,
            "thang": self.today.month,
        }
        merged = {key: str(value) for key, value in initial.items()}
        if data:
            merged.update({key: value for key, value in data.items() if value != ""})
        super().__init__(merged)
        self.period: Period | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind, year = data.get("ky") or "nam", data.get("nam") or self.today.year
        if kind == "quy":
            self.period = Period.quarter(year, data.get("quy") or 1)
        elif kind == "thang":
            self.period = Period.month(year, data.get("thang") or 1)
        elif kind == "tuy_chon":
            first, last = data.get("tu_ngay"), data.get("den_ngay")
            if first is None or last is None:
                raise forms.ValidationError(_("Enter both dates of the period, as dd/mm/yyyy."))
            if last < first:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (last - first).days > MAX_DAYS:
                raise forms.ValidationError(_("A period can span at most ten years."))
            self.period = Period(first, last)
        else:
            self.period = Period.year(year)
        return data
