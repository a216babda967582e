"""How a package reaches its recipient: in-process on this platform, or over HTTP to an external axis.

A transport either delivers, raises ``TransportError`` (try again later) or ``PackageRefused``
(the recipient will never take this package: do not retry).
"""

import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings

from apps.organizations.models import Agency


class TransportError(Exception):
    """Delivery failed for now (network, axis down, server error)."""


class PackageRefused(Exception):
    """The recipient refused the package; the message says why."""


class Transport(Protocol):
    name: str

    def deliver(self, content: bytes, *, recipient: str) -> None: ...


class DirectTransport:
    """Agencies on this platform: hand the package to the receiving action in the same process."""

    name = "direct"

    def deliver(self, content: bytes, *, recipient: str) -> None:
        from .actions import package_receive

        result = package_receive(content=content, transport=self.name, recipient=recipient)
        if result.refused:
            raise PackageRefused(result.reason)


class HttpTransport:
    """An external axis (the province's LGSP or the national axis) taking packages by HTTP POST."""

    name = "http"

    def __init__(self, url: str, *, timeout: float = 10):
        self.url = url
        self.timeout = timeout

    def deliver(self, content: bytes, *, recipient: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the axis URL comes from settings, http(s) only
            self.url,
            data=content,
            method="POST",
            headers={"Content-Type": "application/xml; charset=utf-8", "X-Edxml-To": recipient},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")[:500]
            if 400 <= error.code < 500 and error.code not in {408, 429}:
                raise PackageRefused(body or f"Trục liên thông từ chối gói tin (HTTP {error.code}).") from None
            raise TransportError(f"Trục liên thông trả lỗi HTTP {error.code}.") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TransportError(f"Không kết nối được trục liên thông: {error}.") from None


def axis_url() -> str:
    return settings.EXCHANGE_AXIS_URL


def transport_for(recipient: str) -> Transport | None:
    """Direct for an agency on this platform, HTTP to the axis otherwise (None: no way to reach it)."""
    if Agency.objects.filter(identifier=recipient).exists():
        return DirectTransport()
    url = axis_url()
    if url.startswith(("http://", "https://")):
        return HttpTransport(url)
    return None
