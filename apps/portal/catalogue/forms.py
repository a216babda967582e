"""The catalogue search and filters, read from a plain GET form (works without JavaScript)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Level


class NameChoiceField(forms.ModelChoiceField):
    """Options show the record's plain name ("Hộ tịch", not "Lĩnh vực Hộ tịch")."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class CatalogueSearchForm(forms.Form):
    # Any length is read: apps.procedures.search.catalogue_query cuts long text at a space.
    q = forms.CharField(label=_("Search procedures"), required=False, strip=True)
    linh_vuc = NameChoiceField(
        label=_("Sector"), queryset=None, to_field_name="code", required=False, empty_label=_("All sectors")
    )
    cap = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), (Level.PROVINCE, Level.PROVINCE.label), (Level.COMMUNE, Level.COMMUNE.label)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    co_quan = NameChoiceField(
        label=_("Agency"), queryset=None, to_field_name="uuid", required=False, empty_label=_("All agencies")
    )
    su_kien = NameChoiceField(
        label=_("Life event"), queryset=None, to_field_name="code", required=False, empty_label=_("All life events")
    )

    def __init__(self, *args, sectors, agencies, life_events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linh_vuc"].queryset = sectors
        self.fields["co_quan"].queryset = agencies
        self.fields["su_kien"].queryset = life_events

    def filters(self) -> dict:
        """The filters that could be read; a value that could not is left out."""
        values = {}
        for name, key in [("linh_vuc", "sector"), ("cap", "level"), ("co_quan", "agency"), ("su_kien", "life_event")]:
            if name not in self.errors and self.cleaned_data.get(name) is not None:
                values[key] = self.cleaned_data[name]
        return values
