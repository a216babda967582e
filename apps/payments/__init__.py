"""Fees of online dossiers: VietQR, payment-gateway adapters, callbacks, reconciliation, receipts."""
