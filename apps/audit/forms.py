"""The auditor's filter, read from the query string (a GET form that works without JavaScript)."""

import uuid as uuid_module

from django import forms

from .selectors import AuditFilter

DATE_INPUT_FORMAT = "%d/%m/%Y"
FIRST_YEAR, LAST_YEAR = 1990, 2100

INVALID_DATE = "Ngày không hợp lệ: hãy nhập một ngày có thật theo dạng dd/mm/yyyy, ví dụ 05/03/2026."
INVALID_PAGE = "Trang không hợp lệ: hãy quay lại trang đầu của nhật ký."


class AuditFilterForm(forms.Form):
    nguoi = forms.CharField(max_length=200, required=False)
    co_quan = forms.CharField(max_length=36, required=False)
    loai = forms.CharField(max_length=100, required=False)
    doi_tuong = forms.CharField(max_length=300, required=False)
    hanh_dong = forms.CharField(max_length=100, required=False)
    tu_ngay = forms.DateField(
        required=False, input_formats=[DATE_INPUT_FORMAT], error_messages={"invalid": INVALID_DATE}
    )
    den_ngay = forms.DateField(
        required=False, input_formats=[DATE_INPUT_FORMAT], error_messages={"invalid": INVALID_DATE}
    )
    truoc = forms.IntegerField(
        required=False, min_value=1, error_messages={"invalid": INVALID_PAGE, "min_value": INVALID_PAGE}
    )
    sau = forms.IntegerField(
        required=False, min_value=0, error_messages={"invalid": INVALID_PAGE, "min_value": INVALID_PAGE}
    )

    def __init__(self, *args, agency_choices: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_choices = agency_choices
        if agency_choices is not None:
            self.fields["co_quan"] = forms.ChoiceField(
                required=False,
                choices=[("", ""), *agency_choices],
                error_messages={"invalid_choice": "Cơ quan này không thuộc phạm vi bạn được xem nhật ký."},
            )

    def clean_co_quan(self) -> uuid_module.UUID | None:
        value = (self.cleaned_data.get("co_quan") or "").strip()
        if not value:
            return None
        try:
            return uuid_module.UUID(value)
        except ValueError:
            raise forms.ValidationError(
                "Mã cơ quan không hợp lệ: hãy nhập mã UUID của cơ quan.", code="invalid"
            ) from None

    def _clean_day(self, name: str):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Ngày phải nằm trong các năm {FIRST_YEAR}–{LAST_YEAR} (dạng dd/mm/yyyy).", code="out_of_range"
            )
        return day

    def clean_tu_ngay(self):
        return self._clean_day("tu_ngay")

    def clean_den_ngay(self):
        return self._clean_day("den_ngay")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if start and end and start > end:
            self.add_error("den_ngay", "“Đến ngày” phải bằng hoặc sau “Từ ngày”.")
        if cleaned.get("truoc") is not None and cleaned.get("sau") is not None:
            raise forms.ValidationError(INVALID_PAGE, code="invalid_page")
        return cleaned

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            actor=data["nguoi"].strip(),
            agency_uuid=data["co_quan"],
            target_type=data["loai"].strip(),
            target=data["doi_tuong"].strip(),
            action=data["hanh_dong"].strip(),
            date_from=data["tu_ngay"],
            date_to=data["den_ngay"],
        )
