"""Input of the payment pages: the method the applicant picks, the sandbox tester's choice, the
desk's confirmation of a transfer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Method


class MethodForm(forms.Form):
    hinh_thuc = forms.ChoiceField(
        label=_("How do you want to pay?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy chọn hình thức thanh toán.",
            "invalid_choice": "Hình thức thanh toán không hợp lệ.",
        },
    )

    def __init__(self, *args, methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hinh_thuc"].choices = [(m, Method(m).label) for m in methods]


class SandboxForm(forms.Form):
    CHOICES = [
        ("paid", _("Pay successfully")),
        ("failed", _("Payment fails")),
        ("pending", _("Leave it pending (no callback)")),
    ]
    ket_qua = forms.ChoiceField(
        label=_("Outcome to simulate"),
        choices=CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn kết quả giao dịch.", "invalid_choice": "Kết quả không hợp lệ."},
    )


class ConfirmTransferForm(forms.Form):
    ma_giao_dich = forms.CharField(
        label=_("Transaction reference on the account statement"),
        max_length=100,
        error_messages={"required": "Cần ghi mã giao dịch trên sao kê tài khoản."},
    )
