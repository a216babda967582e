import pytest
from django.utils import translation

from apps.audit.labels import action_label, register_action, registered_actions


@pytest.fixture
def restore_labels():
    from apps.audit import labels

    saved = dict(labels._labels)
    yield
    labels._labels.clear()
    labels._labels.update(saved)


def test_unknown_code_is_shown_raw():
    assert action_label("khong.biet") == "khong.biet"


def test_registered_label_is_shown_in_the_active_language(restore_labels):
    register_action("dossier.receive", "Tiếp nhận hồ sơ")

    assert action_label("dossier.receive") == "Tiếp nhận hồ sơ"
    assert registered_actions()["dossier.receive"] == "Tiếp nhận hồ sơ"


def test_builtin_security_and_export_codes_are_registered():
    with translation.override("en"):
        assert action_label("security.login_failed") == "Failed sign-in"
    assert {"security.login", "security.logout", "security.login_failed", "security.permission_denied"} <= set(
        registered_actions()
    )
    assert "audit.export" in registered_actions()
