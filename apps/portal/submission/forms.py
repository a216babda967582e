"""Input of the online submission: the applicant's details, the procedure's e-form (built from its
field definitions), and the hidden fields of the final submit.

Every value is checked here on the server with a Vietnamese message; the browser's own checks
(input types, ``required``) are a convenience only.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.identifiers import citizen_id_problem, normalize_phone, tax_code_problem
from apps.dossiers.models import Dossier

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
TEXT_LIMIT = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    return _CONTROL.sub("", value or "").strip()


def parse_date(value: str) -> date:
    """A date typed as dd/mm/yyyy (or sent as yyyy-mm-dd by a date picker), or ValidationError."""
    value = (value or "").strip()
    for pattern in DATE_FORMATS:
        try:
            day = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if not 1900 <= day.year <= 2100:
            break
        return day
    raise forms.ValidationError(
        f"Ngày “{value[:20]}” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2026."
    )


class ApplicantForm(forms.Form):
    """Who submits: prefilled from the applicant's profile, checked as the desk would."""

    applicant_type = forms.ChoiceField(
        label=_("Applying as"), choices=Dossier.ApplicantType.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Full name (or organisation name)"), max_length=200)
    id_number = forms.CharField(
        label=_("Citizen ID number (12 digits) or tax code"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(
        label=_("Address"), max_length=500, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )

    def clean_name(self):
        name = " ".join(_clean_text(self.cleaned_data["name"]).split())
        if len(name) < 2:
            raise forms.ValidationError("Cần ghi họ và tên người nộp (hoặc tên tổ chức).")
        return name

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(
                "Số điện thoại di động không hợp lệ; ghi 10 chữ số bắt đầu bằng 0, ví dụ 0912345678."
            )
        return phone

    def clean_address(self):
        return " ".join(_clean_text(self.cleaned_data["address"]).split())

    def clean(self):
        data = super().clean()
        number = (data.get("id_number") or "").strip()
        if number and data.get("applicant_type"):
            problem = (
                citizen_id_problem(number)
                if data["applicant_type"] == Dossier.ApplicantType.CITIZEN
                else tax_code_problem(number)
            )
            if problem:
                self.add_error("id_number", problem)
            else:
                data["id_number"] = number
        return data


def _eform_field(definition: dict) -> forms.Field:
    kind = definition["type"]
    common = {"label": definition["label"], "required": bool(definition.get("required"))}
    if kind == "select":
        choices = [("", "—")] + [(o, o) for o in definition.get("options", [])]
        message = f"“{definition['label']}”: hãy chọn một trong các lựa chọn có sẵn."
        return forms.ChoiceField(choices=choices, error_messages={"invalid_choice": message}, **common)
    if kind == "date":
        return forms.CharField(
            max_length=10,
            help_text=_("dd/mm/yyyy"),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}),
            **common,
        )
    if kind == "number":
        return forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == "id_number":
        return forms.CharField(
            max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}), **common
        )
    if kind == "phone":
        return forms.CharField(max_length=20, widget=forms.TextInput(attrs={"type": "tel"}), **common)
    return forms.CharField(max_length=TEXT_LIMIT, **common)


class EForm(forms.Form):
    """The procedure's e-form; ``definitions`` are a version's validated ``eform_fields``."""

    def __init__(self, *args, definitions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = {d["name"]: d for d in definitions}
        for definition in definitions:
            self.fields[definition["name"]] = _eform_field(definition)

    def clean(self):
        data = super().clean()
        for name, definition in self.definitions.items():
            value = data.get(name)
            if name in self.errors or value in (None, ""):
                if name in data:
                    data[name] = ""
                continue
            try:
                data[name] = eform_value_clean(definition, value)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data


def eform_value_clean(definition: dict, value) -> str:
    """One e-form value, normalised for storage (dates as yyyy-mm-dd), or ValidationError."""
    kind = definition["type"]
    label = definition["label"]
    value = _clean_text(str(value))
    if kind == "date":
        return parse_date(value).isoformat()
    if kind == "number":
        try:
            number = Decimal(value.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise forms.ValidationError(f"“{label}” phải là một số (ví dụ 120 hoặc 45,5).")
        return format(number.normalize(), "f")
    if kind == "id_number":
        problem = citizen_id_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value
    if kind == "phone":
        phone = normalize_phone(value)
        if phone is None:
            raise forms.ValidationError(f"“{label}”: số điện thoại di động không hợp lệ.")
        return phone
    if kind == "select" and value not in definition.get("options", []):
        raise forms.ValidationError(f"“{label}”: hãy chọn một trong các lựa chọn có sẵn.")
    return value


class SubmitForm(forms.Form):
    """The hidden fields of the final submit: which procedure and which submission token."""

    procedure = forms.CharField(widget=forms.HiddenInput, max_length=50)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
