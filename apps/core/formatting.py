"""Vietnamese display of money and dates, shared by pages, PDFs and spreadsheets."""

from datetime import date, datetime

from django.utils import timezone


def format_money(amount: int | None) -> str:
    """1250000 → '1.250.000 đ' (money is integer đồng everywhere in egov)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,} đ".replace(",", ".")


def format_date(value: date | datetime | None) -> str:
    """A date, or an aware moment shown in Asia/Ho_Chi_Minh, as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """An aware moment as 'HH:MM dd/mm/yyyy' in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")
