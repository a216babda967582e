"""Payments: gateway callbacks settled per second against a bare UPDATE of the same rows.

``payment.callback`` makes one gateway payment (``payment_create``, untimed) for each of up to
``CALLBACK_ROWS`` open demo dossiers whose procedure charges a fee, signs the sandbox gateway's
"paid" callback for each, then times ``payment_callback_receive`` over them: parse the urlencoded
body, check the HMAC-SHA256 signature, find the bill, lock the row, check the amount, settle,
write the audit event and the callback log, one callback per transaction, as the HTTP endpoint
does (without the HTTP layer). The baseline is a bare ``UPDATE`` of the same rows to paid, one row
per transaction. Between rounds the rows are put back to pending with a raw UPDATE (bench data).
"""

import time
from collections.abc import Iterator
from urllib.parse import urlencode

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario

CALLBACK_ROWS = 300
ROUNDS = 3


@scenario(
    "payment.callback", label="thông báo thanh toán đã ký (xác minh + ghi nhận + nhật ký) so với UPDATE trần", order=60
)
def callbacks_vs_bare(run: Run) -> Iterator[Figure]:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.dossiers.models import Dossier
    from apps.dossiers.statuses import CLOSED
    from apps.payments import actions
    from apps.payments.gateways import gateway, signed_fields
    from apps.payments.models import Method, Payment, Purpose, State
    from apps.procedures.models import FeeItem

    adapter = gateway()
    if adapter is None:
        raise BenchError("payment.callback cần cổng thử nghiệm (EGOV_PAYMENT_GATEWAY=sandbox).")
    fee_versions = FeeItem.objects.filter(amount__gt=0).values("version_id")
    candidates = (
        Dossier.objects.filter(version_id__in=fee_versions)
        .exclude(status__in=CLOSED)
        .exclude(payments__purpose=Purpose.FEE, payments__state__in=[State.PAID, State.PENDING])
        .order_by("pk")[:CALLBACK_ROWS]
    )
    payments = [actions.payment_create(actor=None, dossier=d, method=Method.GATEWAY) for d in candidates]
    if len(payments) < 20:
        raise BenchError(
            f"payment.callback: chỉ có {len(payments)} hồ sơ mở có thu phí (cần ≥ 20; tăng EGOV_DEMO_DOSSIERS)."
        )
    bodies = [
        urlencode(
            signed_fields(
                bill_number=p.bill_number,
                reference=p.gateway_reference,
                status="paid",
                amount=p.amount,
                secret=adapter.secret,
            )
        ).encode()
        for p in payments
    ]
    ids = [p.pk for p in payments]
    table = connection.ops.quote_name(Payment._meta.db_table)

    def back_to_pending() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"UPDATE {table} SET state = %s, paid_at = NULL, settled_by = '' WHERE id IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(chunk))})",
                    [State.PENDING, *chunk],
                )

    update_sql = f"UPDATE {table} SET state = %s, paid_at = %s, settled_by = %s, updated_at = %s WHERE id = %s"  # noqa: S608
    ours_rates, bare_rates = [], []
    for _ in range(ROUNDS):
        back_to_pending()
        started = time.perf_counter()
        outcomes = [actions.payment_callback_receive(body=body, remote_ip="127.0.0.1").outcome for body in bodies]
        ours_rates.append(len(bodies) / (time.perf_counter() - started))
        if set(outcomes) != {"settled"}:
            raise BenchError(f"payment.callback: kết quả ngoài dự kiến {sorted(set(outcomes))}.")
        back_to_pending()
        started = time.perf_counter()
        for pk in ids:
            now = timezone.now()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(update_sql, [State.PAID, now, "bare", now, pk])
        bare_rates.append(len(ids) / (time.perf_counter() - started))
    note(
        f"payment.callback: {ROUNDS} vòng × {len(bodies)} thông báo mỗi bên, mỗi thông báo một giao dịch, "
        f"CSDL {connection.vendor}"
    )
    ours, bare = median(ours_rates), median(bare_rates)
    yield Figure("payment.callback.settled_per_s", ours, "callbacks/s")
    yield Figure("payment.callback.bare_update_per_s", bare, "rows/s")
    yield Figure("payment.callback.ratio_vs_bare", ratio(ours, bare), "x")
