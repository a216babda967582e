"""Template tags that show stored signature verdicts on other apps' pages without touching their views."""

from django import template

from ..verdicts import is_pdf, verdicts_for_files

register = template.Library()


@register.simple_tag
def pdf_verdicts(documents, kind: str = ""):
    """``(document, verdict)`` for the PDF files among ``documents`` (of ``kind`` if given): one query."""
    chosen = [
        d
        for d in documents
        if (not kind or getattr(d, "kind", "") == kind) and getattr(d, "file", None) and d.sha256 and is_pdf(d)
    ]
    verdicts = verdicts_for_files(chosen)
    return [(d, verdicts[d.sha256]) for d in chosen if d.sha256 in verdicts]
