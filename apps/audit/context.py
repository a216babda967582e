"""Who is acting from where: request-scoped values the audit trail records."""

from contextvars import ContextVar

client_ip_var: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)
