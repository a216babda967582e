"""egov's settings for the bench: the project's URLs plus the bare baseline view.

Everything else comes from ``egov.settings.base``, so the server runs the same middleware,
templates, database options and logging as a deployment configured by the same variables.
"""

from django.conf import global_settings

from egov.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Officials made in bulk for the dataset get MD5 hashes (see dataset.py); the preferred hasher,
# used for every new password, stays Django's default.
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
