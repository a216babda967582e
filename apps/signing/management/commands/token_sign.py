"""Sign a PDF through a server's hash-then-sign API with a key on this machine (the reference client).

    EGOV_API_TOKEN=... EGOV_TOKEN_PIN=... manage.py token_sign --server https://.../api/v1 \\
        --pdf quyet-dinh.pdf --out quyet-dinh-da-ky.pdf --position "CHỦ TỊCH" --signer-name "Nguyễn Văn A" \\
        --pkcs11-module /usr/lib/x86_64-linux-gnu/libeToken.so --pkcs11-token "ten-token" --pkcs11-key-label "khoa"

or ``--p12 file.p12`` (password in ``EGOV_TOKEN_PIN``) for a software token. Secrets come from the
environment, not the command line (which other users of the machine can read).
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.signing.token_client import ClientError, Pkcs11Token, Pkcs12Token, SigningClient, sign_pdf


class Command(BaseCommand):
    help = "Sign a PDF with a USB token (PKCS#11) or a PKCS#12 file through the server's hash-then-sign API."

    def add_arguments(self, parser):
        parser.add_argument("--server", required=True, help="Base URL of the API, e.g. https://host/api/v1")
        parser.add_argument("--pdf", required=True, type=Path)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--position", default="", help="Line above the signature (the signer's position)")
        parser.add_argument("--signer-name", default="", help="Line below the signature (the signer's name)")
        parser.add_argument("--box", default="", help="page,x1,y1,x2,y2 in PDF points instead of the two lines")
        parser.add_argument("--level", default="B-T", choices=["B-B", "B-T", "B-LT"])
        parser.add_argument("--p12", type=Path, help="PKCS#12 file (software token)")
        parser.add_argument("--pkcs11-module", help="The token's PKCS#11 library")
        parser.add_argument("--pkcs11-token", default="", help="Token label")
        parser.add_argument("--pkcs11-key-label", default="", help="Label of the key (and its certificate)")

    def handle(self, *args, **options):
        api_token = os.environ.get("EGOV_API_TOKEN", "")
        pin = os.environ.get("EGOV_TOKEN_PIN", "")
        if not api_token:
            raise CommandError("Đặt mã truy cập API vào biến môi trường EGOV_API_TOKEN.")
        fields = {"position": options["position"], "signer_name": options["signer_name"], "level": options["level"]}
        if options["box"]:
            try:
                page, x1, y1, x2, y2 = (v.strip() for v in options["box"].split(","))
            except ValueError:
                raise CommandError("--box cần năm giá trị: trang,x1,y1,x2,y2.") from None
            fields.update({"page": page, "x1": x1, "y1": y1, "x2": x2, "y2": y2})
        try:
            if options["pkcs11_module"]:
                token = Pkcs11Token(
                    options["pkcs11_module"],
                    token_label=options["pkcs11_token"],
                    pin=pin,
                    key_label=options["pkcs11_key_label"],
                )
            elif options["p12"]:
                token = Pkcs12Token(options["p12"], pin or None)
            else:
                raise CommandError("Cần --pkcs11-module (thiết bị ký số) hoặc --p12 (tệp khoá).")
            client = SigningClient(options["server"], api_token)
            result, signed = sign_pdf(
                client, token, options["pdf"].read_bytes(), name=options["pdf"].name, fields=fields
            )
        except ClientError as error:
            raise CommandError(error.message) from None
        options["out"].write_bytes(signed)
        self.stdout.write(f"Đã ký: {options['out']} ({result['verdict_text']}; SHA-256 {result['sha256']})")
