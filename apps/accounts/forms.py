"""Input parsing for the accounts pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApplicantProfile
from .roles import Role


class SignupForm(forms.Form):
    applicant_type = forms.ChoiceField(
        label=_("I am"), choices=ApplicantProfile.ApplicantType.choices, widget=forms.RadioSelect, initial="citizen"
    )
    full_name = forms.CharField(label=_("Full name (or organisation name)"), max_length=200)
    contact = forms.CharField(
        label=_("Mobile phone or e-mail"),
        max_length=254,
        help_text=_("We send a 6-digit code to it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "Hai mật khẩu không khớp nhau.")
        return data


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Verification code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Mã xác thực gồm 6 chữ số."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "6"}),
    )


class ContactForm(forms.Form):
    contact = forms.CharField(label=_("Mobile phone or e-mail of the account"), max_length=254)


class PasswordResetConfirmForm(CodeForm):
    new_password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "Hai mật khẩu không khớp nhau.")
        return data


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from the authenticator app, or a backup code"),
        regex=r"^\s*[0-9a-zA-Z]{6,16}\s*$",
        error_messages={"invalid": "Mã gồm 6 chữ số (ứng dụng xác thực) hoặc một mã dự phòng."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )


class ApiTokenForm(forms.Form):
    DAYS = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (366, _("One year"))]

    ten = forms.CharField(
        label=_("Used by (the system that will call the API)"),
        max_length=200,
        error_messages={"required": "Cần ghi mã truy cập dùng cho hệ thống nào."},
    )
    thoi_han = forms.TypedChoiceField(label=_("Valid for"), choices=DAYS, coerce=int, initial=90)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name (or organisation name)"), max_length=200)
    applicant_type = forms.ChoiceField(label=_("Applicant type"), choices=ApplicantProfile.ApplicantType.choices)
    id_number = forms.CharField(label=_("Citizen ID number (12 digits)"), max_length=12, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth (dd/mm/yyyy)"),
        required=False,
        input_formats=["%d/%m/%Y"],
        error_messages={"invalid": "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."},
    )
    tax_code = forms.CharField(label=_("Tax code (organisations)"), max_length=14, required=False)
    address_unit = forms.ModelChoiceField(label=_("Commune / ward"), queryset=None, required=False)
    address_line = forms.CharField(label=_("House number, street, village"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.organizations.models import AdministrativeUnit, Level

        self.fields["address_unit"].queryset = (
            AdministrativeUnit.objects.valid_on(timezone.localdate()).filter(level=Level.COMMUNE).order_by("name")
        )

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Ngày sinh không thể ở tương lai.")
        return value


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
