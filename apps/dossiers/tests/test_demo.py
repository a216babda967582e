from datetime import date

import pytest

from apps.core.demo import demo_steps
from apps.dossiers.demo import generate
from apps.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_demo_dossiers_are_made_through_the_actions_and_only_once():
    for step in demo_steps():
        if step.order < 30:
            step.run(lambda message: None)

    count = generate(lambda m: None, history=(date(2017, 1, 3), date(2017, 2, 28), 12), current=25)
    again = generate(lambda m: None, history=(date(2017, 1, 3), date(2017, 2, 28), 12), current=25)

    assert count == again > 20
    assert Dossier.objects.filter(received_at__year=2017).exists()
    assert Dossier.objects.filter(code__isnull=False).count() == Dossier.objects.exclude(received_at=None).count()
    assert Dossier.objects.values("status").distinct().count() >= 4
    received = Dossier.objects.exclude(received_at=None).first()
    assert received.events.filter(transition="receive").exists()
