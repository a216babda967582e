"""Test settings: the base settings with fast hashing, in-memory mail and immediate tasks."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "apps.core.messaging.LocmemSmsGateway"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {**TASKS, "default": {**TASKS["default"], "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="egov-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="egov-test-static-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"egov-test-{os.getpid()}.sqlite3")}

DEMO_DOSSIERS = 8  # the demo tests check the steps run and are idempotent, not the volume
