"""Load the Hà Tĩnh demo data; safe to run again (existing records are kept)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.demo import demo_logins, demo_steps


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Hà Tĩnh (chạy lại không tạo bản trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="In các tài khoản mẫu.")
        parser.add_argument("--allow-production", action="store_true", help="Cho phép chạy khi EGOV_ENV=production.")

    def handle(self, *, print_logins, allow_production, verbosity, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError("Không nạp dữ liệu mẫu vào hệ thống production (dùng --allow-production nếu chắc chắn).")
        for step in demo_steps():
            if verbosity:
                self.stdout.write(f"· {step.label}")
                self.stdout.flush()
            step.run((lambda message: self.stdout.write(f"    {message}")) if verbosity > 1 else (lambda message: None))
        from apps.core.tasks import database_optimize

        database_optimize()
        if print_logins:
            self.stdout.write("")
            self.stdout.write("Tài khoản mẫu (vai trò · tên đăng nhập · mật khẩu):")
            for role, username, password in demo_logins():
                self.stdout.write(f"  {role:<32} {username:<14} {password}")
