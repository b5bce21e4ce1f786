"""SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_MONTH ...): each names a range of days counted from today in
the org's time zone, each day starting at 00:00:00 (SOQL and SOSL Reference, "Date Formats and Date Literals in
WHERE"; docs/salesforce-facts.md, "SOQL"). `=` means within the range, `<` before it, `>` after it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# name -> whether it takes ":n". Fiscal literals follow the calendar: a new org's fiscal year starts in January.
DATE_LITERALS = {
    **dict.fromkeys(
        ("YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH", "THIS_MONTH",
         "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS", "THIS_QUARTER", "LAST_QUARTER", "NEXT_QUARTER", "THIS_YEAR",
         "LAST_YEAR", "NEXT_YEAR", "THIS_FISCAL_QUARTER", "LAST_FISCAL_QUARTER", "NEXT_FISCAL_QUARTER",
         "THIS_FISCAL_YEAR", "LAST_FISCAL_YEAR", "NEXT_FISCAL_YEAR"),
        False,
    ),
    **dict.fromkeys(
        ("LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_WEEKS", "NEXT_N_WEEKS", "N_WEEKS_AGO", "LAST_N_MONTHS",
         "NEXT_N_MONTHS", "N_MONTHS_AGO", "LAST_N_QUARTERS", "NEXT_N_QUARTERS", "N_QUARTERS_AGO", "LAST_N_YEARS",
         "NEXT_N_YEARS", "N_YEARS_AGO", "LAST_N_FISCAL_QUARTERS", "NEXT_N_FISCAL_QUARTERS", "N_FISCAL_QUARTERS_AGO",
         "LAST_N_FISCAL_YEARS", "NEXT_N_FISCAL_YEARS", "N_FISCAL_YEARS_AGO"),
        True,
    ),
}  # fmt: skip


@dataclass
class DateLiteral:
    name: str  # upper case, a key of DATE_LITERALS
    n: int | None
    pos: int


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def day_range(lit: DateLiteral, today: date, week_start: int = 0) -> tuple[date, date]:
    """[first day, day after the last) of the literal; week_start is the locale's first weekday (Monday 0)."""
    name, n = lit.name.replace("_FISCAL", ""), lit.n or 0
    one = timedelta(days=1)
    week = today - timedelta(days=(today.weekday() - week_start) % 7)
    month = today.replace(day=1)
    quarter = _add_months(month, -((today.month - 1) % 3))
    year = date(today.year, 1, 1)
    fixed = {
        "YESTERDAY": (today - one, today),
        "TODAY": (today, today + one),
        "TOMORROW": (today + one, today + 2 * one),
        "LAST_90_DAYS": (today - 90 * one, today + one),
        "NEXT_90_DAYS": (today + one, today + 91 * one),
        "LAST_N_DAYS": (today - n * one, today + one),
        "NEXT_N_DAYS": (today + one, today + (n + 1) * one),
        "N_DAYS_AGO": (today - n * one, today - (n - 1) * one),
    }
    if name in fixed:
        return fixed[name]
    unit, start, step = (
        ("WEEK", week, None) if "WEEK" in name else ("MONTH", month, 1) if "MONTH" in name
        else ("QUARTER", quarter, 3) if "QUARTER" in name else ("YEAR", year, 12)
    )  # fmt: skip

    def shift(k: int) -> date:
        return start + timedelta(weeks=k) if step is None else _add_months(start, k * step)

    if name.startswith("THIS_"):
        return shift(0), shift(1)
    if name.startswith("LAST_N_"):
        return shift(-n), shift(0)
    if name.startswith("NEXT_N_"):
        return shift(1), shift(1 + n)
    if name.startswith("LAST_"):
        return shift(-1), shift(0)
    if name.startswith("NEXT_"):
        return shift(1), shift(2)
    assert name == f"N_{unit}S_AGO", name
    return shift(-n), shift(-n + 1)


def literal_range(lit: DateLiteral, now: datetime, time_zone: str, week_start: int = 0, days: bool = False):
    """The literal's [start, end): days (for a date field), or instants from 00:00:00 in the org's time zone."""
    zone = ZoneInfo(time_zone)
    first, after = day_range(lit, now.astimezone(zone).date(), week_start)
    if days:
        return first, after
    return datetime.combine(first, time(), zone).astimezone(UTC), datetime.combine(after, time(), zone).astimezone(UTC)


def in_range(op: str, value, start, end) -> bool:
    """A comparison of value with a literal's [start, end): = within, != outside, < before, > after."""
    if value is None:
        return op == "!="
    return {
        "=": start <= value < end,
        "!=": not (start <= value < end),
        "<": value < start,
        "<=": value < end,
        ">": value >= end,
        ">=": value >= start,
    }[op]
