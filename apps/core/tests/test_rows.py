"""``rows_insert`` writes what ``bulk_create`` writes, with the keys back, all or nothing."""

from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.core.models import CalendarOverride, OfficeHoursRule, TaskProgress
from apps.core.rows import rows_insert

pytestmark = pytest.mark.django_db

COLUMNS = ["uuid", "created_at", "kind", "label", "state", "done", "total", "message", "requested_by_id", "finished_at"]


def progress(n: int, user=None) -> TaskProgress:
    return TaskProgress(
        kind="import",
        label=f"Nhập danh mục {n} — Hà Tĩnh",
        state=TaskProgress.State.RUNNING if n % 2 else TaskProgress.State.QUEUED,
        done=n,
        total=100,
        requested_by=user,
        finished_at=timezone.now() - timedelta(hours=n) if n % 3 else None,
    )


def test_the_rows_and_keys_are_those_bulk_create_writes():
    user = User.objects.create_user(username="rows", password="x")
    ours = [progress(n, user if n % 2 else None) for n in range(7)]
    theirs = [progress(n, user if n % 2 else None) for n in range(7)]
    for mine, other in zip(ours, theirs, strict=True):
        other.uuid, other.created_at, other.finished_at = mine.uuid, mine.created_at, mine.finished_at

    rows_insert(ours)
    stored_ours = list(TaskProgress.objects.filter(pk__in=[p.pk for p in ours]).order_by("pk").values(*COLUMNS))
    TaskProgress.objects.filter(pk__in=[p.pk for p in ours]).delete()
    TaskProgress.objects.bulk_create(theirs)
    stored_theirs = list(TaskProgress.objects.filter(pk__in=[p.pk for p in theirs]).order_by("pk").values(*COLUMNS))

    assert len(stored_ours) == 7
    assert stored_ours == stored_theirs
    assert all(obj._state.adding is False and obj._state.db == "default" for obj in ours)


def test_each_instance_gets_the_key_of_its_own_row():
    made = rows_insert([progress(n) for n in range(5)])

    stored = dict(TaskProgress.objects.values_list("pk", "uuid"))
    assert [stored[obj.pk] for obj in made] == [obj.uuid for obj in made]
    assert all(obj.updated_at is not None for obj in made)  # auto_now set as save() sets it


def test_dates_times_and_booleans_come_back_as_given():
    rules = rows_insert(
        [
            OfficeHoursRule(
                weekday=d,
                morning_start=time(7, 30),
                morning_end=time(11, 30),
                afternoon_start=time(13, 30),
                afternoon_end=time(17, 0),
                valid_from=date(2027, 1, 1),
            )
            for d in range(5)
        ]
    )
    override = rows_insert([CalendarOverride(day=date(2027, 4, 30), is_working_day=False, reason="Nghỉ bù")])[0]

    back = OfficeHoursRule.objects.get(pk=rules[2].pk)
    assert (back.weekday, back.morning_start, back.afternoon_end, back.valid_from) == (
        2,
        time(7, 30),
        time(17, 0),
        date(2027, 1, 1),
    )
    assert CalendarOverride.objects.get(pk=override.pk).is_working_day is False


def test_many_rows_go_in_several_statements_all_or_nothing(monkeypatch):
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 3)
    made = rows_insert([progress(n) for n in range(10)])
    assert TaskProgress.objects.filter(pk__in=[p.pk for p in made]).count() == 10

    before = TaskProgress.objects.count()
    batch = [progress(n) for n in range(8)]
    batch[7].uuid = made[0].uuid  # the third statement breaks the unique UUID
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(batch)
    assert TaskProgress.objects.count() == before


def test_what_it_cannot_write_is_refused_before_anything_is_written():
    before = TaskProgress.objects.count()
    expression = progress(1)
    expression.done = F("total")
    with pytest.raises(TypeError, match="biểu thức"):
        rows_insert([progress(0), expression])
    with pytest.raises(TypeError, match="cùng một mô hình"):
        rows_insert([progress(0), CalendarOverride(day=date(2027, 1, 2), is_working_day=True, reason="x")])
    with pytest.raises(ValueError, match="unsaved related object"):
        rows_insert([progress(0, User(username="chưa lưu"))])

    assert TaskProgress.objects.count() == before
    assert rows_insert([]) == []


def test_an_instance_with_its_key_set_is_written_by_bulk_create():
    obj = progress(4)
    obj.pk = 987_654

    rows_insert([obj])

    assert TaskProgress.objects.get(pk=987_654).label == obj.label
