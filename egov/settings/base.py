"""All settings of egov, read from ``EGOV_*`` environment variables.

The embedded default (SQLite, files on local disk, mail written to a folder, one worker) needs no
variable at all. ``EGOV_ENV=production`` switches on the checks and hardening a province's
deployment needs; a missing production setting stops start-up with a message naming it.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP

from .env import ConfigError, Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ENVIRONMENT = env.choice("ENV", ("embedded", "production"), "embedded")
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(env.str("DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env.bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigError("EGOV_DEBUG không được bật khi EGOV_ENV=production.")


def _secret_key() -> str:
    key = env.str("SECRET_KEY", required=PRODUCTION)
    if key:
        if len(key) < 50:
            raise ConfigError("Biến môi trường EGOV_SECRET_KEY quá ngắn: cần ít nhất 50 ký tự ngẫu nhiên.")
        return key
    # Embedded default: a key made once per checkout, kept out of the repository.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"], required=PRODUCTION)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "apps.core",
    "apps.audit",
    "apps.organizations",
    "apps.accounts",
    "apps.procedures",
    "apps.dossiers",
    "apps.portal",
    "apps.payments",
    "apps.feedback",
    "apps.signing",
    "apps.exchange",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.audit.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.OfficialSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.RequestLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'egov.sqlite3'}")}
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3") and not env.bool("ALLOW_SQLITE", False):
    raise ConfigError(
        "Biến môi trường EGOV_DATABASE_URL phải trỏ tới PostgreSQL khi EGOV_ENV=production "
        "(đặt EGOV_ALLOW_SQLITE=true nếu thật sự muốn dùng SQLite)."
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a plan whose estimated cost passes jit_above_cost; the province-wide
    # statistics query crosses it and spent 1.6 s compiling for 1.4 s of work (1 M dossiers), and
    # no query of a web page runs long enough to pay compilation back. EGOV_DB_JIT=true restores it.
    DATABASES["default"]["OPTIONS"] = {"options": f"-c jit={'on' if env.bool('DB_JIT', False) else 'off'}"}

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_htmx"), "django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "apps.accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:after-login"
LOGOUT_REDIRECT_URL = "core:home"
# Sign-in throttling by username + IP: a locked pair waits, other users and addresses do not.
# One cache for every process (throttles of public pages): a table of the same database, made by
# the core app's migrations, so nothing else has to run beside the platform.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "egov_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "apps.audit.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
AXES_VERBOSE = False  # its log lines carry usernames and addresses
AXES_HTTP_RESPONSE_CODE = 429
# Officials are signed out after this much inactivity; applicants keep the session age below.
OFFICIAL_IDLE_MINUTES = env.int("OFFICIAL_IDLE_MINUTES", 30, minimum=1)
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", "egov Hà Tĩnh")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.passwords.CharacterClassValidator"},
]

# --- Language, time, formats ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["egov.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
FONTS_DIR = BASE_DIR / "static" / "fonts"

STORAGE_KIND = env.choice("STORAGE", ("local", "s3"), "local")
if STORAGE_KIND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET", required=True),
            "endpoint_url": env.str("S3_ENDPOINT_URL") or None,
            "region_name": env.str("S3_REGION") or None,
            "access_key": env.str("S3_ACCESS_KEY", required=True),
            "secret_key": env.str("S3_SECRET_KEY", required=True),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Files applicants upload (apps/core/uploads.py): size limit, and the ClamAV daemon that scans them
# ("host:port" or a Unix socket path; empty: no antivirus scan, the check says so).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", 20, minimum=1, maximum=500) * 1024 * 1024
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS")
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", 10, minimum=1, maximum=300)

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("EMAIL_FROM", "egov <khong-tra-loi@egov.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("SMTP_HOST"),
                "port": env.int("SMTP_PORT", 587, minimum=1, maximum=65535),
                "username": env.str("SMTP_USER"),
                "password": env.str("SMTP_PASSWORD"),
                "use_tls": env.bool("SMTP_TLS", True),
                "timeout": 20,
            },
        }
    }
elif PRODUCTION and not env.bool("ALLOW_FILE_EMAIL", False):
    raise ConfigError(
        "Thiếu biến môi trường EGOV_SMTP_HOST (bắt buộc ở chế độ production; "
        "đặt EGOV_ALLOW_FILE_EMAIL=true để ghi thư ra thư mục)."
    )
else:
    # Embedded default: each message becomes a file under var/outbox/mail, readable by a person.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "outbox" / "mail")},
        }
    }

# --- SMS --------------------------------------------------------------------------------------
SMS_URL = env.str("SMS_URL")
SMS_TOKEN = env.str("SMS_TOKEN", required=bool(SMS_URL))
SMS_SENDER = env.str("SMS_SENDER", "HATINH-DVC")
if SMS_URL:
    SMS_BACKEND = "apps.core.messaging.HttpSmsGateway"
elif PRODUCTION and not env.bool("ALLOW_FILE_SMS", False):
    raise ConfigError(
        "Thiếu biến môi trường EGOV_SMS_URL (cổng SMS, bắt buộc ở chế độ production; "
        "đặt EGOV_ALLOW_FILE_SMS=true để ghi tin nhắn ra thư mục)."
    )
else:
    SMS_BACKEND = "apps.core.messaging.FileSmsGateway"

# --- Inter-agency exchange (edXML) -------------------------------------------------------------
# The national document axis or the provincial integration platform; empty: exchange stays on
# this platform (direct transport between its agencies).
EXCHANGE_AXIS_URL = env.str("EXCHANGE_AXIS_URL")
EXCHANGE_INBOUND_TOKEN = env.str("EXCHANGE_INBOUND_TOKEN", required=bool(EXCHANGE_AXIS_URL))
EXCHANGE_MAX_ATTACHMENT_BYTES = env.int("EXCHANGE_MAX_ATTACHMENT_MB", 20, minimum=1, maximum=500) * 1024 * 1024

# --- Payments (fees of online dossiers) -------------------------------------------------------
# VietQR transfers go to the receiving agency's collection account (payments app data) or, failing
# one, to this account: NAPAS bank BIN, account number, holder. The embedded default is a made-up
# demo account; production shows no VietQR until an account is set.
PAYMENT_VIETQR_BANK_BIN = env.digits("VIETQR_BANK_BIN", "" if PRODUCTION else "970415", min_length=6, max_length=6)
PAYMENT_VIETQR_ACCOUNT = env.digits("VIETQR_ACCOUNT", "" if PRODUCTION else "113000006868", max_length=19)
PAYMENT_VIETQR_ACCOUNT_NAME = env.str("VIETQR_ACCOUNT_NAME", "" if PRODUCTION else "KHO BAC NHA NUOC HA TINH")
# The payment gateway: "sandbox" is the project's own test gateway (pages under
# /thanh-toan/cong-thu-nghiem/), never in production; "none" offers VietQR only.
PAYMENT_GATEWAY = env.choice("PAYMENT_GATEWAY", ("sandbox", "none"), "none" if PRODUCTION else "sandbox")
if PRODUCTION and PAYMENT_GATEWAY == "sandbox":
    raise ConfigError("EGOV_PAYMENT_GATEWAY=sandbox là cổng thử nghiệm, không dùng khi EGOV_ENV=production.")
# HMAC-SHA256 key shared with the gateway for callbacks; the sandbox derives one from SECRET_KEY.
PAYMENT_GATEWAY_SECRET = env.str("PAYMENT_GATEWAY_SECRET")
# A pending payment not confirmed within this many minutes is expired by the reconciliation task.
PAYMENT_EXPIRE_MINUTES = env.int("PAYMENT_EXPIRE_MINUTES", 24 * 60, minimum=5, maximum=30 * 24 * 60)

# --- Feedback and complaints --------------------------------------------------------------------
# Working days an agency has to answer a citizen's feedback (see apps/feedback/deadlines.py).
FEEDBACK_ANSWER_WORKING_DAYS = env.int("FEEDBACK_ANSWER_WORKING_DAYS", 10, minimum=1, maximum=90)

# --- Demo data ----------------------------------------------------------------------------------
# How many one-stop dossiers the demo makes (through the actions; about 10 per second).
DEMO_DOSSIERS = env.int("DEMO_DOSSIERS", 1600, minimum=0)

# --- Background tasks -----------------------------------------------------------------------
TASK_BACKEND = env.choice("TASK_BACKEND", ("database", "immediate"), "database")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASK_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A worker that has not written its heartbeat for this long is reported as down by /healthz.
WORKER_HEARTBEAT_SECONDS = 10
WORKER_STALE_SECONDS = env.int("WORKER_STALE_SECONDS", 60, minimum=5)

# --- Security -------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
# The embedded default serves plain HTTP on 127.0.0.1; production sits behind TLS.
SESSION_COOKIE_SECURE = PRODUCTION or env.bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if PRODUCTION:
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SECURE_SSL_REDIRECT = env.bool("SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("BEHIND_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
LOG_FORMAT = env.choice("LOG_FORMAT", ("json", "text"), "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "apps.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own request logger repeats what RequestLogMiddleware writes, with the full path.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
