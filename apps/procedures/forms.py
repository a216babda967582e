"""Input parsing for the catalogue pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Level

from .catalogue_io import MAX_UPLOAD_BYTES
from .models import Sector
from .selectors import catalogue_agencies

LEVEL_CHOICES = [
    ("", _("All levels")),
    (str(Level.PROVINCE), _("Province level")),
    (str(Level.COMMUNE), _("Commune level")),
]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=200, strip=True)
    linh_vuc = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.order_by("name"),
        to_field_name="uuid",
        required=False,
        empty_label=_("All sectors"),
    )
    cap = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False)
    co_quan = forms.ModelChoiceField(
        label=_("Receiving agency"), queryset=None, to_field_name="uuid", required=False, empty_label=_("All agencies")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].queryset = catalogue_agencies()


class CatalogueImportForm(forms.Form):
    tep = forms.FileField(label=_("Catalogue file (.json or .xlsx)"))

    def clean_tep(self):
        upload = self.cleaned_data["tep"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith((".json", ".xlsx")):
            raise forms.ValidationError(_("Only .json and .xlsx files are accepted."))
        return upload
