"""Filters of the exchange log and the recipient's answer (labels in Vietnamese until the catalogue has them)."""

from django import forms

from .edxml import STATUS_TEXT

DATE_FORMATS = ["%d/%m/%Y"]


class LogFilterForm(forms.Form):
    huong = forms.ChoiceField(
        label="Hướng",
        required=False,
        choices=[("", "Gửi và nhận"), ("di", "Đã gửi"), ("den", "Đã nhận")],
    )
    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[
            ("", "Mọi trạng thái"),
            ("pending", "Chờ gửi"),
            ("sent", "Đã gửi"),
            ("refused", "Bị cơ quan nhận từ chối"),
            ("failed", "Gửi không thành công sau mọi lần thử"),
            *[(str(int(code)), text) for code, text in STATUS_TEXT.items()],
        ],
    )
    tu_ngay = forms.DateField(label="Từ ngày (dd/mm/yyyy)", required=False, input_formats=DATE_FORMATS)
    den_ngay = forms.DateField(label="Đến ngày (dd/mm/yyyy)", required=False, input_formats=DATE_FORMATS)
    q = forms.CharField(label="Số, ký hiệu hoặc trích yếu", required=False, max_length=200)


class AnswerForm(forms.Form):
    trang_thai = forms.TypedChoiceField(
        label="Trạng thái",
        coerce=int,
        choices=[(int(code), text) for code, text in STATUS_TEXT.items() if int(code) in {2, 3, 4, 5, 6}],
    )
    mo_ta = forms.CharField(label="Ghi chú", required=False, max_length=1000)


class RecallForm(forms.Form):
    ly_do = forms.CharField(label="Lý do lấy lại", max_length=1000)
