from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "apps.signing"
    label = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from apps.audit.labels import register_action
        from apps.core import menu

        from .conf import check_startup

        check_startup()
        menu.register(
            menu.MenuEntry(
                key="signing.verify",
                label=_("Check signatures"),
                url_name="signing:verify",
                order=300,
                permissions=("signing.verify_signature",),
            )
        )
        menu.register(
            menu.MenuEntry(
                key="signing.certificates",
                label=_("Signing certificates"),
                url_name="signing:certificates",
                order=301,
                permissions=("signing.sign_document", "signing.manage_signingcertificate"),
            )
        )
        for code, label in (
            ("signing.certificate_register", _("Signing certificate registered")),
            ("signing.certificate_revoke", _("Signing certificate revoked")),
            ("signing.sign_prepare", _("Signature prepared for a token")),
            ("signing.sign_complete", _("Document signed by a person")),
            ("signing.seal", _("Document sealed by the organisation")),
            ("signing.signed_file_store", _("Signed file stored")),
            ("signing.sign_refused", _("Token signature refused")),
            ("signing.pending_purge", _("Expired signing sessions deleted")),
        ):
            register_action(code, label)
