from django import forms
from django.utils.translation import gettext_lazy as _

MAX_VERIFY_BYTES = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    tep = forms.FileField(label=_("Signed PDF file"))

    def clean_tep(self):
        upload = self.cleaned_data["tep"]
        if upload.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        upload.seek(0)
        if not upload.read(5).startswith(b"%PDF-"):
            raise forms.ValidationError(_("The file is not a PDF (checked by its content, not its name)."))
        upload.seek(0)
        return upload


MAX_CERTIFICATE_BYTES = 64 * 1024


class CertificateForm(forms.Form):
    """An official's certificate, PEM (with its chain) or DER; administrators choose whose it is."""

    can_bo = forms.ModelChoiceField(label=_("Official"), queryset=None, required=False)
    tep = forms.FileField(
        label=_("Certificate file (PEM or DER: .pem, .crt, .cer)"),
        help_text=_("The certificate only, with its intermediate certificates; never the private key."),
    )

    def __init__(self, *args, officials=None, choose_official=False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_official:
            self.fields["can_bo"].queryset = officials
            self.fields["can_bo"].required = True
        else:
            del self.fields["can_bo"]

    def clean_tep(self):
        upload = self.cleaned_data["tep"]
        if upload.size > MAX_CERTIFICATE_BYTES:
            raise forms.ValidationError(_("A certificate file is at most 64 KB."))
        data = upload.read()
        if b"PRIVATE KEY" in data:
            raise forms.ValidationError(
                _("The file holds a private key: never upload it. Upload the certificate only.")
            )
        return data


class RevokeForm(forms.Form):
    ly_do = forms.CharField(label=_("Reason for revoking"), max_length=300)
