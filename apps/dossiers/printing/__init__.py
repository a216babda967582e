"""Printing of the one-stop forms (TT 01/2018): forms 01–05 of a dossier and the register (06).

Exports ``form_pdf``, ``register_pdf``, ``register_xlsx``; ``views`` and ``urls`` serve them to
officials. Depends on the dossier models and ``apps.core`` formatting only; nothing imports it but
its views.
"""

from .dossier_forms import FORM_TITLES, form_pdf
from .register import register_pdf, register_rows, register_xlsx

__all__ = ["FORM_TITLES", "form_pdf", "register_pdf", "register_rows", "register_xlsx"]
