"""Input of the rating, feedback and officials' forms; the rules themselves live in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import COMMENT_MAX, CONTENT_MAX, NAME_MAX, TITLE_MAX
from .models import FeedbackKind, RatingAspect, RatingLevel


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with how this dossier was handled?"),
        choices=RatingLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    aspects = forms.MultipleChoiceField(
        label=_("What does your rating concern? (optional)"),
        choices=RatingAspect.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=COMMENT_MAX, required=False
    )


class FeedbackForm(forms.Form):
    """Feedback from the public; ``agencies`` and ``dossiers`` are what the sender may choose from."""

    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackKind.choices, widget=forms.RadioSelect)
    dossier = forms.ChoiceField(label=_("About one of your dossiers (optional)"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    name = forms.CharField(label=_("Full name"), max_length=NAME_MAX, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}), max_length=CONTENT_MAX)

    def __init__(self, *args, agencies, dossiers, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.uuid): a for a in agencies}
        self.dossiers = {str(d.uuid): d for d in dossiers}
        self.fields["agency"].choices = [("", _("— choose the agency —"))] + [
            (key, a.name) for key, a in self.agencies.items()
        ]
        if self.dossiers:
            self.fields["dossier"].choices = [("", _("— not about a dossier —"))] + [
                (key, f"{d.code or _('(no code yet)')} · {d.procedure.name}") for key, d in self.dossiers.items()
            ]
        else:
            del self.fields["dossier"]
        if signed_in:
            self.fields["name"].help_text = _("Leave empty to use the name of your account.")
            self.fields["phone"].help_text = _("Leave empty to use the phone number of your account.")
        else:
            self.fields["name"].required = True
            self.fields["phone"].required = True
            self.fields["phone"].help_text = _("The agency answers you by SMS; it is never published.")

    def clean(self):
        data = super().clean()
        data["agency_obj"] = self.agencies.get(data.get("agency") or "")
        data["dossier_obj"] = self.dossiers.get(data.get("dossier") or "")
        if data.get("agency") and data["agency_obj"] is None:
            self.add_error("agency", "Hãy chọn cơ quan trong danh sách.")
        if data.get("dossier") and data["dossier_obj"] is None:
            self.add_error("dossier", "Hãy chọn hồ sơ trong danh sách.")
        return data


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Official who drafts the answer"))

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.officials = {str(o.uuid): o for o in officials}
        self.fields["assignee"].choices = [(key, o.full_name) for key, o in self.officials.items()]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}), max_length=CONTENT_MAX)


class PublicFilterForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.uuid): a for a in agencies}
        self.fields["agency"].choices = [("", _("All agencies"))] + [(k, a.name) for k, a in self.agencies.items()]
