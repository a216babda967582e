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
