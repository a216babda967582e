"""PAdES signing and validation (pyHanko), officials' certificates, signed files.

Exports: ``actions`` (state changes), ``validation.signature_validate`` (checks any signed PDF),
``placement`` (where visible signatures go), the template partial ``signing/_verdict.html``.
Depends on core, audit, accounts and organisations; documents and exchange build on it.
"""
