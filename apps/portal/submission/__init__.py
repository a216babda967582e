"""Online submission: e-form, documents, review, idempotent submit; my dossiers; results."""
