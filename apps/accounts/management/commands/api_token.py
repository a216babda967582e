"""Issue, list and revoke officials' API tokens from the command line (for the operator)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.api_tokens import MAX_DAYS, api_token_issue, api_token_revoke, api_tokens_of
from apps.accounts.errors import AccountsError
from apps.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Mã truy cập API của cán bộ: issue (cấp, in mã một lần duy nhất), list (liệt kê), revoke (thu hồi theo "
        "phần đầu của mã). Mỗi lần cấp và thu hồi được ghi vào nhật ký kiểm toán."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        issue = commands.add_parser("issue", help="cấp một mã mới")
        issue.add_argument("--user", required=True, help="tên đăng nhập của cán bộ")
        issue.add_argument("--name", required=True, help="hệ thống sẽ dùng mã (ví dụ: Cổng DVC quốc gia)")
        issue.add_argument("--days", type=int, default=90, help=f"số ngày hiệu lực, 1 đến {MAX_DAYS} (mặc định 90)")
        listing = commands.add_parser("list", help="liệt kê mã của một cán bộ")
        listing.add_argument("--user", required=True)
        revoke = commands.add_parser("revoke", help="thu hồi một mã theo phần đầu của nó (egov_…)")
        revoke.add_argument("prefix")

    def handle(self, *, command, **options):
        try:
            getattr(self, f"_{command}")(**options)
        except AccountsError as error:
            raise CommandError(error.message) from None

    def _official(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        return user

    def _issue(self, *, user, name, days, **_):
        token, secret = api_token_issue(actor=None, user=self._official(user), name=name, days=days)
        self.stdout.write(f"{secret}\n")
        self.stderr.write(
            f"Đã cấp mã {token.prefix}… cho {user}, hết hạn {timezone.localtime(token.expires_at):%d/%m/%Y %H:%M}. "
            "Mã chỉ in ra một lần này."
        )

    def _list(self, *, user, **_):
        now = timezone.now()
        for token in api_tokens_of(self._official(user)):
            state = "thu hồi" if token.revoked_at else ("còn hiệu lực" if token.is_usable(now) else "hết hạn")
            last = f"{timezone.localtime(token.last_used_at):%d/%m/%Y %H:%M}" if token.last_used_at else "chưa dùng"
            self.stdout.write(f"{token.prefix}…\t{state}\t{last}\t{token.name}")

    def _revoke(self, *, prefix, **_):
        prefix = prefix.rstrip("…").rstrip(".")
        matches = list(ApiToken.objects.filter(prefix__startswith=prefix[:13], revoked_at__isnull=True)[:2])
        if len(prefix) < 9 or len(matches) != 1:
            raise CommandError(f"Không xác định được đúng một mã còn hiệu lực bắt đầu bằng “{prefix}”.")
        token = api_token_revoke(actor=None, token=matches[0])
        self.stdout.write(f"Đã thu hồi mã {token.prefix}… ({token.name}).")
