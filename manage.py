#!/usr/bin/env python
"""Run egov's administrative commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings.base")
    from django.core.management import execute_from_command_line

    from egov.settings.env import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as error:
        sys.stderr.write(f"egov: lỗi cấu hình: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
