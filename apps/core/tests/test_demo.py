import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import UserFactory
from apps.core.actions import demo_rebuild_request
from apps.core.demo import demo_steps
from apps.core.models import TaskProgress

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_one_official_per_role_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    users_after_first = User.objects.count()
    roles_after_first = RoleAssignment.objects.count()

    call_command("seed_demo", verbosity=0)

    assert User.objects.count() == users_after_first
    assert RoleAssignment.objects.count() == roles_after_first
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)


def test_seed_demo_refuses_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_demo_steps_run_in_declared_order():
    orders = [step.order for step in demo_steps()]

    assert orders == sorted(orders)


def test_demo_rebuild_reports_progress_to_the_end(django_capture_on_commit_callbacks):
    admin = UserFactory(roles=[Role.SYSADMIN])

    with django_capture_on_commit_callbacks(execute=True):
        progress = demo_rebuild_request(actor=admin)

    progress.refresh_from_db()
    assert progress.state == TaskProgress.State.SUCCEEDED
    assert progress.done == progress.total == len(demo_steps())
    assert progress.percent == 100
    assert User.objects.filter(username="quantri").exists()


def test_a_second_request_while_one_is_queued_returns_the_same_run():
    admin = UserFactory(roles=[Role.SYSADMIN])

    first = demo_rebuild_request(actor=admin)
    second = demo_rebuild_request(actor=admin)

    assert first.pk == second.pk
    assert TaskProgress.objects.count() == 1


def test_progress_page_polls_with_htmx_until_finished(client):
    admin = UserFactory(roles=[Role.SYSADMIN])
    client.force_login(admin)
    progress = TaskProgress.objects.create(kind="demo_rebuild", label="Dựng lại", requested_by=admin, total=4, done=1)
    url = reverse("core:task-progress", args=[progress.uuid])

    fragment = client.get(url, headers={"HX-Request": "true"})
    progress.state = TaskProgress.State.SUCCEEDED
    progress.save()
    finished = client.get(url, headers={"HX-Request": "true"})

    assert 'hx-trigger="every 1s"' in fragment.text
    assert 'value="25"' in fragment.text
    assert "<html" not in fragment.text
    assert "hx-trigger" not in finished.text
    assert 'value="100"' in finished.text


def test_demo_rebuild_page_is_for_the_system_administrator_only(client):
    client.force_login(UserFactory(roles=[Role.HANDLER]))

    response = client.post(reverse("core:demo-rebuild"))

    assert response.status_code == 403
    assert not TaskProgress.objects.exists()


def test_another_users_progress_is_not_found(client):
    owner = UserFactory(roles=[Role.SYSADMIN])
    progress = TaskProgress.objects.create(kind="demo_rebuild", label="x", requested_by=owner)
    client.force_login(UserFactory(roles=[Role.HANDLER]))

    response = client.get(reverse("core:task-progress", args=[progress.uuid]))

    assert response.status_code == 404


def test_sysadmin_starts_a_rebuild_from_the_page(client):
    client.force_login(UserFactory(roles=[Role.SYSADMIN]))

    response = client.post(reverse("core:demo-rebuild"), follow=True)

    progress = TaskProgress.objects.get()
    assert response.redirect_chain[-1][0] == reverse("core:task-progress", args=[progress.uuid])
