"""Settings come from typed EGOV_* variables; a wrong deployment stops with a message naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from egov.settings.env import ConfigError, Env

REPO = Path(__file__).resolve().parents[3]
SECRET_KEY = "k3y-" + "x" * 56
PRODUCTION = {
    "EGOV_ENV": "production",
    "EGOV_SECRET_KEY": SECRET_KEY,
    "EGOV_DATABASE_URL": "postgres://u:p@127.0.0.1:1/x",
    "EGOV_ALLOWED_HOSTS": "dichvucong.hatinh.gov.vn",
    "EGOV_SMTP_HOST": "smtp.hatinh.gov.vn",
    "EGOV_SMS_URL": "https://sms.hatinh.gov.vn/api/gui-tin",
    "EGOV_SMS_TOKEN": "sms-token-for-tests",
}


def env(**values: str) -> Env:
    return Env({f"EGOV_{key}": value for key, value in values.items()})


# --- Env, unit ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", " YES ", "on"])
def test_bool_true(raw):
    assert env(DEBUG=raw).bool("DEBUG") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_bool_false(raw):
    assert env(DEBUG=raw).bool("DEBUG", True) is False


def test_bool_missing_is_default():
    assert env().bool("DEBUG") is False
    assert env().bool("DEBUG", True) is True


def test_bool_refuses_anything_else():
    with pytest.raises(ConfigError, match=r"EGOV_DEBUG.*'maybe'"):
        env(DEBUG="maybe").bool("DEBUG")


def test_int_reads_number_and_default():
    assert env(SMTP_PORT="2525").int("SMTP_PORT", 587) == 2525
    assert env().int("SMTP_PORT", 587) == 587
    assert env(SMTP_PORT="").int("SMTP_PORT", 587) == 587


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("abc", "một số nguyên", id="not-a-number"),
        pytest.param("0", "1…65535", id="below-minimum"),
        pytest.param("70000", "1…65535", id="above-maximum"),
        pytest.param("5.5", "một số nguyên", id="decimal"),
    ],
)
def test_int_refuses_bad_values(raw, expected):
    with pytest.raises(ConfigError, match="EGOV_SMTP_PORT") as error:
        env(SMTP_PORT=raw).int("SMTP_PORT", 587, minimum=1, maximum=65535)
    assert expected in str(error.value)


def test_int_bounds_are_inclusive():
    assert env(PORT="1").int("PORT", 5, minimum=1, maximum=65535) == 1
    assert env(PORT="65535").int("PORT", 5, minimum=1, maximum=65535) == 65535


def test_list_splits_on_commas_and_drops_blanks():
    hosts = env(ALLOWED_HOSTS=" a.gov.vn, b.gov.vn,, ").list("ALLOWED_HOSTS")
    assert hosts == ["a.gov.vn", "b.gov.vn"]


def test_list_default_and_required():
    assert env().list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]
    with pytest.raises(ConfigError, match="Thiếu biến môi trường EGOV_ALLOWED_HOSTS"):
        env().list("ALLOWED_HOSTS", required=True)


def test_str_required():
    assert env(SECRET_KEY=" abc ").str("SECRET_KEY", required=True) == "abc"
    with pytest.raises(ConfigError, match="EGOV_SECRET_KEY"):
        env(SECRET_KEY="  ").str("SECRET_KEY", required=True)


def test_choice():
    assert env(ENV="PRODUCTION").choice("ENV", ("embedded", "production"), "embedded") == "production"
    assert env().choice("ENV", ("embedded", "production"), "embedded") == "embedded"
    with pytest.raises(ConfigError, match=r"EGOV_ENV.*embedded, production"):
        env(ENV="staging").choice("ENV", ("embedded", "production"), "embedded")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        pytest.param("sqlite:////srv/egov/egov.sqlite3", "/srv/egov/egov.sqlite3", id="absolute"),
        pytest.param("sqlite:///var/egov.sqlite3", "var/egov.sqlite3", id="relative"),
        pytest.param("sqlite:////srv/d%E1%BB%AF%20li%E1%BB%87u/egov.sqlite3", "/srv/dữ liệu/egov.sqlite3", id="quoted"),
    ],
)
def test_sqlite_urls(url, name):
    assert env(DATABASE_URL=url).database("DATABASE_URL", "sqlite:///x") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
    }


def test_postgres_url():
    parsed = env(DATABASE_URL="postgres://egov:p%40ss%3Aw0rd@db.hatinh.internal:5433/egov_prod").database(
        "DATABASE_URL", "sqlite:///x"
    )
    assert parsed == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "egov_prod",
        "USER": "egov",
        "PASSWORD": "p@ss:w0rd",
        "HOST": "db.hatinh.internal",
        "PORT": "5433",
    }


def test_postgresql_scheme_without_port_or_password():
    parsed = env(DATABASE_URL="postgresql://egov@127.0.0.1/egov").database("DATABASE_URL", "sqlite:///x")
    assert (parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"]) == ("egov", "", "127.0.0.1", "")


def test_database_default_is_used_when_unset():
    assert env().database("DATABASE_URL", "sqlite:////srv/d.sqlite3")["NAME"] == "/srv/d.sqlite3"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("mysql://x", id="mysql"),
        pytest.param("sqlite://", id="sqlite-without-path"),
        pytest.param("sqlite://host/egov.sqlite3", id="sqlite-with-host"),
        pytest.param("postgres://u:p@127.0.0.1:5432/", id="postgres-without-db"),
        pytest.param("postgres:///egov", id="postgres-without-host"),
        pytest.param("postgres://u:p@127.0.0.1:cong/egov", id="postgres-bad-port"),
        pytest.param("egov.sqlite3", id="not-a-url"),
    ],
)
def test_bad_database_urls(url):
    with pytest.raises(ConfigError, match="EGOV_DATABASE_URL"):
        env(DATABASE_URL=url).database("DATABASE_URL", "sqlite:///x")


def test_bad_database_url_message_hides_the_password():
    with pytest.raises(ConfigError) as error:
        env(DATABASE_URL="postgres://egov:Mat-Khau-Bi-Mat@db:cong/egov").database("DATABASE_URL", "sqlite:///x")
    assert "Mat-Khau-Bi-Mat" not in str(error.value)
    assert "postgres://egov:***@db:cong/egov" in str(error.value)


# --- manage.py, end to end ------------------------------------------------------------------


def manage(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    environ.update(EGOV_DATA_DIR=str(tmp_path / "data"), **variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        pytest.param({"EGOV_ENV": "production"}, "EGOV_SECRET_KEY", id="production-without-secret-key"),
        pytest.param({**PRODUCTION, "EGOV_SECRET_KEY": "short"}, "EGOV_SECRET_KEY", id="short-secret-key"),
        pytest.param({"EGOV_DEBUG": "maybe"}, "EGOV_DEBUG", id="debug-maybe"),
        pytest.param({**PRODUCTION, "EGOV_DEBUG": "true"}, "EGOV_DEBUG", id="debug-in-production"),
        pytest.param({"EGOV_DATABASE_URL": "mysql://x"}, "EGOV_DATABASE_URL", id="mysql"),
        pytest.param(
            {**PRODUCTION, "EGOV_DATABASE_URL": "sqlite:////tmp/egov.sqlite3"},
            "EGOV_DATABASE_URL",
            id="production-sqlite",
        ),
        pytest.param({**PRODUCTION, "EGOV_ALLOWED_HOSTS": ""}, "EGOV_ALLOWED_HOSTS", id="production-no-hosts"),
        pytest.param({**PRODUCTION, "EGOV_SMTP_HOST": ""}, "EGOV_SMTP_HOST", id="production-no-smtp"),
    ],
)
def test_check_stops_with_message_naming_the_variable(tmp_path, variables, named):
    result = manage(tmp_path, "check", **variables)

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("egov: lỗi cấu hình:")
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_production_with_everything_set_passes_check_and_is_hardened(tmp_path):
    checked = manage(tmp_path, "check", **PRODUCTION)
    assert checked.returncode == 0, checked.stderr
    assert "ERRORS" not in checked.stderr

    names = [
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "ALLOWED_HOSTS",
    ]
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    shown = manage(tmp_path, "shell", "--no-imports", "-c", code, **PRODUCTION)
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "ALLOWED_HOSTS": ["dichvucong.hatinh.gov.vn"],
    }
    assert SECRET_KEY not in shown.stdout + shown.stderr + checked.stdout + checked.stderr


@pytest.mark.django_db
def test_postgresql_connections_do_not_compile_plans_with_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; this runs in the PostgreSQL half of make test")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
