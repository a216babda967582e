"""Start the web server (granian) and one background-task worker; Ctrl-C stops both.

This is what ``make run`` ends with. In production the two are run as separate services
(see README), usually with several workers.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from apps.core.demo import demo_logins


class Command(BaseCommand):
    help = "Chạy máy chủ web và một tiến trình xử lý công việc nền (Ctrl-C để dừng cả hai)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=1)
        parser.add_argument("--no-logins", action="store_true", help="Không in tài khoản mẫu.")

    def handle(self, *, host, port, web_workers, no_logins, **options):
        python = sys.executable
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "egov.settings.base")}
        web_cmd = [
            python, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
            "--workers", str(web_workers), "--blocking-threads", "4", "--no-access-log",
            "egov.wsgi:application",
        ]  # fmt: skip
        worker_cmd = [python, "manage.py", "worker"]
        children = {
            "web": subprocess.Popen(web_cmd, env=env),  # noqa: S603 (fixed argv, no shell)
            "worker": subprocess.Popen(worker_cmd, env=env),  # noqa: S603
        }
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"egov đang chạy tại http://{host}:{port}/  (Ctrl-C để dừng)"))
        self.stdout.write(f"  Trang làm việc của cán bộ: http://{host}:{port}/tai-khoan/dang-nhap/")
        if not no_logins:
            self.stdout.write("  Tài khoản mẫu (vai trò · tên đăng nhập · mật khẩu):")
            for role, username, password in demo_logins():
                self.stdout.write(f"    {role:<34} {username:<14} {password}")
        self.stdout.write("")

        stopping = False
        received: int | None = None

        def stop(signum, frame):
            nonlocal stopping, received
            stopping = True
            received = signum

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    self.stderr.write(f"egov: tiến trình {name} đã dừng (mã {proc.returncode}); dừng hệ thống.")
                    exit_code = proc.returncode or 1
                    stopping = True
                    break
            time.sleep(0.3)
        if received == signal.SIGINT:
            # Ctrl-C in a terminal reaches the whole process group: give the children time to
            # finish a running task and stop by themselves before asking again.
            grace = time.monotonic() + 10
            while time.monotonic() < grace and any(p.poll() is None for p in children.values()):
                time.sleep(0.2)
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stdout.write("egov đã dừng.")
        if exit_code:
            sys.exit(exit_code)
