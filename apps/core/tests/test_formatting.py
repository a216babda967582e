from datetime import UTC, date, datetime

import pytest

from apps.core.formatting import format_date, format_datetime, format_money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(1250000, "1.250.000 đ"), (0, "0 đ"), (500, "500 đ"), (-30000, "-30.000 đ"), (None, "")],
)
def test_money_is_shown_with_dots_and_dong(amount, shown):
    assert format_money(amount) == shown


def test_dates_are_day_month_year():
    assert format_date(date(2026, 2, 5)) == "05/02/2026"


def test_moments_are_shown_in_ho_chi_minh_time():
    # 20:30 UTC on 31/12 is already the next day in Vietnam (UTC+7).
    moment = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)

    assert format_date(moment) == "01/01/2027"
    assert format_datetime(moment) == "03:30 01/01/2027"


def test_template_filters_render_money_and_dates():
    from django.template import Context, Template

    html = Template("{% load egov %}{{ fee|money }} {{ day|vndate }}").render(
        Context({"fee": 1250000, "day": date(2026, 11, 24)})
    )

    assert html == "1.250.000 đ 24/11/2026"
