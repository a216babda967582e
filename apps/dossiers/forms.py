"""Input parsing for the one-stop pages: inbox filters, desk intake, the dossier page's actions, and
public tracking. Messages to people are Vietnamese; labels are English msgids for gettext."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.identifiers import citizen_id_problem, normalize_phone, tax_code_problem

from .actions import ApplicantInput, DocumentInput
from .models import Dossier
from .selectors import Due
from .statuses import Channel, Status

REQUIRED = "Cần điền mục này."


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


# --- inbox ----------------------------------------------------------------------------------------
class InboxFilterForm(forms.Form):
    trang_thai = forms.TypedChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *Status.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    thu_tuc = forms.ModelChoiceField(
        label=_("Procedure"), queryset=None, to_field_name="uuid", required=False, empty_label=_("All procedures")
    )
    han = forms.ChoiceField(
        label=_("Due"),
        choices=[("", _("Any time")), (Due.OVERDUE, _("Overdue")), (Due.SOON, _("Due within one working day"))],
        required=False,
    )
    q = forms.CharField(
        label=_("Code or applicant"),
        max_length=100,
        required=False,
        help_text=_("Accents are optional: “nguyen van an” finds “Nguyễn Văn An”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thu_tuc"].queryset = procedures


# --- desk intake ----------------------------------------------------------------------------------
class IntakeProcedureForm(forms.Form):
    thu_tuc = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=None,
        to_field_name="uuid",
        error_messages={
            "required": "Hãy chọn thủ tục hành chính.",
            "invalid_choice": "Cơ quan của bạn không tiếp nhận thủ tục này.",
        },
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thu_tuc"].queryset = procedures


class Outcome:
    RECEIVE = "tiep-nhan"
    ASK_TO_COMPLETE = "yeu-cau-bo-sung"
    REFUSE = "tu-choi"
    CHOICES = [
        (RECEIVE, _("Receive (Form 01)")),
        (ASK_TO_COMPLETE, _("Ask to complete (Form 02)")),
        (REFUSE, _("Refuse (Form 03)")),
    ]


class IntakeForm(IntakeProcedureForm):
    """The applicant, the checklist of the procedure's documents, and one of three outcomes."""

    ho_ten = forms.CharField(
        label=_("Applicant's full name (or organisation name)"),
        max_length=200,
        error_messages={"required": "Cần ghi họ và tên người nộp (hoặc tên tổ chức)."},
    )
    loai = forms.ChoiceField(
        label=_("Applicant type"),
        choices=Dossier.ApplicantType.choices,
        initial=Dossier.ApplicantType.CITIZEN,
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn loại người nộp.", "invalid_choice": "Loại người nộp không hợp lệ."},
    )
    so_dinh_danh = forms.CharField(
        label=_("Citizen ID number (12 digits) or tax code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    dien_thoai = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."}
    )
    dia_chi = forms.CharField(label=_("Address"), max_length=500, required=False)
    trich_yeu = forms.CharField(
        label=_("Request (subject)"),
        max_length=1000,
        required=False,
        help_text=_("Left empty, the procedure's name is used."),
    )
    ket_qua = forms.ChoiceField(
        choices=Outcome.CHOICES,
        error_messages={"required": "Hãy chọn tiếp nhận, yêu cầu bổ sung hoặc từ chối."},
    )
    thieu = forms.CharField(
        label=_("What is missing (Form 02), one item per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    ly_do_tu_choi = forms.CharField(
        label=_("Reasons for refusing (Form 03)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thu_tuc"].widget = forms.HiddenInput()
        self.requirements = list(version.documents.order_by("order")) if version is not None else []
        for requirement in self.requirements:
            self.fields[f"giay_{requirement.pk}"] = forms.BooleanField(label=_("Paper copy received"), required=False)
            self.fields[f"tep_{requirement.pk}"] = forms.FileField(
                label=_("Scan (PDF, JPEG or PNG)"),
                required=False,
                error_messages={"empty": "Tệp gửi lên rỗng.", "invalid": "Không đọc được tệp gửi lên."},
            )

    APPLICANT_FIELDS = ("ho_ten", "loai", "so_dinh_danh", "dien_thoai", "email", "dia_chi", "trich_yeu")

    @property
    def applicant_fields(self) -> list:
        return [self[name] for name in self.APPLICANT_FIELDS]

    @property
    def checklist(self) -> list[tuple]:
        """(requirement, paper field, file field) for the template."""
        return [(r, self[f"giay_{r.pk}"], self[f"tep_{r.pk}"]) for r in self.requirements]

    def clean_ho_ten(self) -> str:
        name = " ".join(self.cleaned_data["ho_ten"].split())
        if len(name) < 2:
            raise forms.ValidationError("Cần ghi họ và tên người nộp (hoặc tên tổ chức).")
        return name

    def clean_dien_thoai(self) -> str:
        phone = self.cleaned_data["dien_thoai"].strip()
        if phone and normalize_phone(phone) is None:
            raise forms.ValidationError("Số điện thoại di động không hợp lệ (ví dụ 0912345678).")
        return phone

    def clean(self):
        data = super().clean()
        number = (data.get("so_dinh_danh") or "").strip()
        if number and data.get("loai"):
            problem = (
                citizen_id_problem(number)
                if data["loai"] == Dossier.ApplicantType.CITIZEN
                else tax_code_problem(number)
            )
            if problem:
                self.add_error("so_dinh_danh", problem)
        outcome = data.get("ket_qua")
        if outcome == Outcome.REFUSE and not (data.get("ly_do_tu_choi") or "").strip():
            self.add_error("ly_do_tu_choi", "Cần ghi rõ lý do từ chối tiếp nhận (mẫu 03).")
        if outcome == Outcome.ASK_TO_COMPLETE and not self.missing_items():
            self.add_error("thieu", "Cần liệt kê đầy đủ các giấy tờ còn thiếu (mẫu 02).")
        return data

    def applicant(self) -> ApplicantInput:
        data = self.cleaned_data
        return ApplicantInput(
            name=data["ho_ten"],
            applicant_type=data["loai"],
            id_number=data["so_dinh_danh"].strip(),
            phone=data["dien_thoai"],
            email=data["email"],
            address=data["dia_chi"].strip(),
        )

    def documents(self) -> list[DocumentInput]:
        """The ticked or scanned documents of the checklist."""
        documents = []
        for requirement in self.requirements:
            paper = self.cleaned_data.get(f"giay_{requirement.pk}", False)
            scan = self.cleaned_data.get(f"tep_{requirement.pk}")
            if paper or scan:
                documents.append(
                    DocumentInput(
                        name=requirement.name, requirement_id=requirement.pk, file=scan or None, paper_only=not scan
                    )
                )
        return documents

    def unticked_mandatory(self) -> list[str]:
        """Mandatory documents neither ticked nor scanned (what Form 02 lists by default)."""
        data = getattr(self, "cleaned_data", {})
        return [
            r.name
            for r in self.requirements
            if r.mandatory and not (data.get(f"giay_{r.pk}") or data.get(f"tep_{r.pk}"))
        ]

    def missing_items(self) -> list[str]:
        return _lines(self.cleaned_data.get("thieu", "")) or self.unticked_mandatory()


# --- dossier page actions -------------------------------------------------------------------------
class SeenStatusForm(forms.Form):
    """Every action form carries the status the official saw, so a stale page is refused."""

    trang_thai = forms.TypedChoiceField(
        choices=Status.choices, coerce=int, widget=forms.HiddenInput, error_messages={"required": "Thiếu trạng thái."}
    )


class ReceiveForm(SeenStatusForm):
    """Receive a dossier lodged online or completed after Form 02: the documents still missing can
    be ticked (paper) or scanned here, then the dossier is received."""

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        for requirement in self.requirements:
            self.fields[f"giay_{requirement.pk}"] = forms.BooleanField(label=_("Paper copy received"), required=False)
            self.fields[f"tep_{requirement.pk}"] = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"), required=False)

    @property
    def checklist(self) -> list[tuple]:
        return [(r, self[f"giay_{r.pk}"], self[f"tep_{r.pk}"]) for r in self.requirements]

    def documents(self) -> list[DocumentInput]:
        documents = []
        for requirement in self.requirements:
            paper = self.cleaned_data.get(f"giay_{requirement.pk}", False)
            scan = self.cleaned_data.get(f"tep_{requirement.pk}")
            if paper or scan:
                documents.append(
                    DocumentInput(
                        name=requirement.name, requirement_id=requirement.pk, file=scan or None, paper_only=not scan
                    )
                )
        return documents


class AskToCompleteForm(SeenStatusForm):
    thieu = forms.CharField(
        label=_("What is missing (Form 02), one item per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Cần liệt kê đầy đủ các giấy tờ còn thiếu (mẫu 02)."},
    )
    ghi_chu = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def items(self) -> list[str]:
        return _lines(self.cleaned_data["thieu"])


class RefuseForm(SeenStatusForm):
    ly_do = forms.CharField(
        label=_("Reasons for refusing (Form 03)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi rõ lý do từ chối tiếp nhận (mẫu 03)."},
    )


class AssignForm(SeenStatusForm):
    can_bo = forms.ChoiceField(
        label=_("Give to"),
        error_messages={"required": "Hãy chọn cán bộ xử lý.", "invalid_choice": "Hãy chọn cán bộ xử lý."},
    )

    def __init__(self, *args, officials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["can_bo"].choices = [("", "—"), *[(str(o.uuid), o.full_name or o.username) for o in officials]]


class CompleteForm(SeenStatusForm):
    ghi_chu = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SupplementRequestForm(SeenStatusForm):
    noi_dung = forms.CharField(
        label=_("What to supplement (Form 02), one item per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Cần liệt kê đầy đủ nội dung cần bổ sung (mẫu 02)."},
    )
    ly_do = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def items(self) -> list[str]:
        return _lines(self.cleaned_data["noi_dung"])


PAYMENT_ROWS = 3


def _amount(text: str) -> int | None:
    cleaned = re.sub(r"[\s.,]|đ$|đồng$", "", (text or "").strip().lower())
    return int(cleaned) if cleaned.isdigit() else None


class PaymentRequestForm(SeenStatusForm):
    ly_do = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, PAYMENT_ROWS + 1):
            self.fields[f"ten_{n}"] = forms.CharField(label=_("Item"), max_length=300, required=False)
            self.fields[f"so_tien_{n}"] = forms.CharField(
                label=_("Amount (đồng)"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )

    @property
    def rows(self) -> list[tuple]:
        return [(self[f"ten_{n}"], self[f"so_tien_{n}"]) for n in range(1, PAYMENT_ROWS + 1)]

    def clean(self):
        data = super().clean()
        items = []
        for n in range(1, PAYMENT_ROWS + 1):
            name = " ".join((data.get(f"ten_{n}") or "").split())
            raw = data.get(f"so_tien_{n}") or ""
            if not name and not raw.strip():
                continue
            amount = _amount(raw)
            if not name or amount is None or amount <= 0:
                self.add_error(f"so_tien_{n}", "Mỗi khoản phải có tên và số tiền (đồng) lớn hơn 0.")
                continue
            items.append({"name": name, "amount": amount})
        if not items and not self.errors:
            self.add_error(None, "Cần ghi ít nhất một khoản nghĩa vụ tài chính.")
        data["items"] = items
        return data


class SupplementReceivedForm(SeenStatusForm):
    ten_giay_to = forms.CharField(label=_("Document received"), max_length=500, required=False)
    tep = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"), required=False)

    def documents(self) -> list[DocumentInput]:
        scan = self.cleaned_data.get("tep")
        name = self.cleaned_data.get("ten_giay_to", "")
        if not scan and not name:
            return []
        return [DocumentInput(name=name or "Giấy tờ bổ sung", file=scan or None, paper_only=not scan)]


class ApologyForm(SeenStatusForm):
    hen_moi = forms.DateTimeField(
        label=_("New appointment (dd/mm/yyyy HH:MM)"),
        input_formats=["%d/%m/%Y %H:%M"],
        error_messages={
            "required": "Cần ghi ngày hẹn mới (dd/mm/yyyy HH:MM).",
            "invalid": "Ngày hẹn mới phải theo dạng dd/mm/yyyy HH:MM, ví dụ 15/12/2026 16:00.",
        },
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy HH:MM", "autocomplete": "off"}),
    )
    ly_do = forms.CharField(
        label=_("Reason for the delay (Form 04)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi lý do chậm trễ trong phiếu xin lỗi (mẫu 04)."},
    )


class ResultForm(SeenStatusForm):
    ten = forms.CharField(label=_("Name of the result"), max_length=500, initial="Kết quả giải quyết")
    tep = forms.FileField(
        label=_("Result file (PDF)"),
        error_messages={"required": "Hãy chọn tệp kết quả (PDF).", "empty": "Tệp gửi lên rỗng."},
    )

    def document(self) -> DocumentInput:
        return DocumentInput(name=self.cleaned_data["ten"], file=self.cleaned_data["tep"])


class ReturnForm(SeenStatusForm):
    kenh = forms.TypedChoiceField(
        label=_("Result handed over"), choices=Channel.choices, coerce=int, initial=Channel.DESK
    )


class WithdrawForm(SeenStatusForm):
    ly_do = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StopForm(SeenStatusForm):
    ly_do = forms.CharField(
        label=_("Reasons for stopping"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi rõ lý do dừng xử lý."},
    )


class PaymentDoneForm(SeenStatusForm):
    pass


# --- public tracking ------------------------------------------------------------------------------
class TrackingForm(forms.Form):
    ma_ho_so = forms.CharField(
        label=_("Dossier code"),
        max_length=40,
        help_text=_("As printed on the receipt, e.g. 000.00.14.H27-261116-0001."),
        error_messages={"required": "Cần nhập mã hồ sơ."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    ma_tra_cuu = forms.CharField(
        label=_("Tracking code (6 characters on the receipt)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    dien_thoai = forms.CharField(
        label=_("Or the applicant's phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("ma_tra_cuu") or "").strip() and not (data.get("dien_thoai") or "").strip():
            raise forms.ValidationError("Cần nhập mã tra cứu in trên giấy tiếp nhận, hoặc số điện thoại người nộp.")
        return data
