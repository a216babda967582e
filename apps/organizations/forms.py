"""Input parsing for the agency pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DirectoryFilterForm(forms.Form):
    ngay = forms.DateField(
        label=_("On date"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 01/06/2017.")},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 12}),
    )
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100, strip=True)
