"""Read typed settings from ``EGOV_*`` environment variables.

Every reader names the variable in its error, so a wrong deployment stops at start-up with a
message an operator can act on, instead of failing later in a request.
"""

import os
import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Typed access to a mapping of environment variables with one prefix."""

    def __init__(self, environ: Mapping[str, str] | None = None, prefix: str = "EGOV_"):
        self.environ = os.environ if environ is None else environ
        self.prefix = prefix

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(self.prefix + name)
        return None if value is None else value.strip()

    def _missing(self, name: str) -> ConfigError:
        return ConfigError(f"Thiếu biến môi trường {self.prefix}{name} (bắt buộc ở chế độ này).")

    def _bad(self, name: str, value: str, expected: str) -> ConfigError:
        return ConfigError(f"Biến môi trường {self.prefix}{name} có giá trị không hợp lệ {value!r}: cần {expected}.")

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                raise self._missing(name)
            return default if default is not None else ""
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self._bad(name, value, "true/false, 1/0, yes/no hoặc on/off")

    def int(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self._raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise self._bad(name, value, "một số nguyên") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._bad(name, value, f"một số nguyên trong khoảng {minimum}…{maximum}")
        return number

    def list(self, name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
        value = self._raw(name)
        if not value:
            if required:
                raise self._missing(name)
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def digits(self, name: str, default: str = "", *, min_length: int = 1, max_length: int = 64) -> str:
        """A string of ASCII digits (bank BINs and account numbers keep their leading zeros)."""
        value = self.str(name, default)
        if value and not (value.isascii() and value.isdigit() and min_length <= len(value) <= max_length):
            raise self._bad(name, value, f"từ {min_length} đến {max_length} chữ số")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = (self._raw(name) or default).lower()
        if value not in choices:
            raise self._bad(name, value, "một trong " + ", ".join(choices))
        return value

    def database(self, name: str, default: str) -> dict:
        """Parse a database URL: ``sqlite:///relative``, ``sqlite:////absolute`` or ``postgres://u:p@host:port/db``."""
        url = self.str(name, default)
        parts = urlsplit(url)
        # Error messages end up in logs: show the URL without its password.
        shown = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)[^@]*@", r"\1***@", url)
        if parts.scheme == "sqlite":
            # As SQLAlchemy reads them: sqlite:///relative/path.sqlite3, sqlite:////absolute/path.sqlite3
            # (the first slash after the empty host only separates host from path).
            path = unquote(parts.path)[1:]
            if parts.netloc or not path or path == "/":
                raise self._bad(name, shown, "sqlite:///đường/dẫn/tệp.sqlite3")
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
        if parts.scheme in {"postgres", "postgresql"}:
            db_name = unquote(parts.path.lstrip("/"))
            if not db_name or not parts.hostname:
                raise self._bad(name, shown, "postgres://người_dùng:mật_khẩu@máy:cổng/tên_csdl")
            try:
                port = parts.port
            except ValueError:
                raise self._bad(name, shown, "một cổng là số nguyên") from None
            return {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": db_name,
                "USER": unquote(parts.username or ""),
                "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname,
                "PORT": str(port or ""),
            }
        raise self._bad(name, shown, "một URL bắt đầu bằng sqlite:// hoặc postgres://")
