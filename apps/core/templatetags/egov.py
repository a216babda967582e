"""Template filters for Vietnamese money and dates."""

from django import template

from apps.core import formatting

register = template.Library()


@register.filter
def money(value):
    return formatting.format_money(value)


@register.filter
def vndate(value):
    return formatting.format_date(value)


@register.filter
def vndatetime(value):
    return formatting.format_datetime(value)
