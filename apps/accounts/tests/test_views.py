import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import Role

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_official_signing_in_must_set_up_two_step_sign_in_first(client):
    official = UserFactory(roles=[Role.HANDLER])

    response = client.post(
        reverse("accounts:login"), {"username": official.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-setup"))
    assert client.get(reverse("accounts:workspace")).status_code == 302


def test_verified_official_reaches_the_workspace(client):
    official = UserFactory(roles=[Role.HANDLER])
    client.force_login(official)

    response = client.get(reverse("accounts:workspace"))

    assert response.status_code == 200
    assert official.full_name in response.text


def test_applicant_signing_in_goes_to_the_public_home(client):
    applicant = UserFactory(kind=User.Kind.APPLICANT)

    response = client.post(
        reverse("accounts:login"), {"username": applicant.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("core:home")


def test_wrong_password_is_refused_with_a_message_and_no_session(client):
    official = UserFactory()

    response = client.post(reverse("accounts:login"), {"username": official.username, "password": "sai-mat-khau"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'role="alert"' in response.text


def test_workspace_requires_sign_in(client):
    response = client.get(reverse("accounts:workspace"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_out_is_a_post_and_ends_the_session(client):
    official = UserFactory()
    client.force_login(official)

    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))

    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "sees_demo_entry"),
    [(Role.SYSADMIN, True), (Role.HANDLER, False), (Role.AUDITOR, False)],
    ids=["sysadmin", "handler", "auditor"],
)
def test_workspace_menu_follows_the_role(client, role, sees_demo_entry):
    official = UserFactory(roles=[role])
    client.force_login(official)

    response = client.get(reverse("accounts:workspace"))

    assert (reverse("core:demo-rebuild") in response.text) is sees_demo_entry


def test_workspace_page_query_count_does_not_grow_with_roles(client, django_assert_max_num_queries):
    few = UserFactory(roles=[Role.HANDLER])
    many = UserFactory(roles=list(Role))
    client.force_login(few)
    with django_assert_max_num_queries(20) as few_queries:
        client.get(reverse("accounts:workspace"))
    client.force_login(many)
    with django_assert_max_num_queries(20) as many_queries:
        client.get(reverse("accounts:workspace"))

    assert len(many_queries) == len(few_queries)
