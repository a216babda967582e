"""Procedure catalogue (thủ tục hành chính): sectors, procedures, dated versions with their public
items, documents, fees, e-form fields, clock rules and routing steps.

Depends on core, audit, organizations and accounts; the dossiers app builds on it, never the reverse.
"""
