"""Dates, times and numbers as readers of each language write them: the one set of
formatting helpers behind the pages' filters, the certificate PDF and exports.

Pure functions: the locale and the time zone are arguments (pages pass the request's
locale and the configured zone, `ELEARN_TIMEZONE`). Datetimes are stored in UTC and are
converted here, so a page, the PDF and an export can never disagree about the day.
Vietnamese: "2/12/2026", "2/12/2026 03:44", "2,5"; English keeps English formats.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal

from elearn.core.time import local_date, to_local

#: Babel patterns per locale. Vietnamese: day/month/four-digit year, the time after the
#: date, 24-hour clock (Babel's own "short" gives a two-digit year and the time first).
PATTERNS = {
    "vi": {"date": "d/M/yyyy", "datetime": "d/M/yyyy HH:mm", "seconds": "d/M/yyyy HH:mm:ss"},
    "en": {
        "date": "MMM d, yyyy",
        "datetime": "MMM d, yyyy, HH:mm",
        "seconds": "MMM d, yyyy, HH:mm:ss",
    },
}
DEFAULT_LOCALE = "vi"

EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _patterns(locale: str) -> dict[str, str]:
    return PATTERNS.get(str(locale).split("_")[0], PATTERNS[DEFAULT_LOCALE])


def format_date(value: date | datetime | None, locale: str, zone: tzinfo) -> str:
    """A date ("2/12/2026"); a datetime is first converted to `zone`."""
    if value is None:
        return ""
    day = local_date(value, zone) if isinstance(value, datetime) else value
    return babel_format_date(day, _patterns(locale)["date"], locale=locale)


def format_datetime(
    value: datetime | None, locale: str, zone: tzinfo, *, seconds: bool = False
) -> str:
    """A moment in `zone` ("2/12/2026 03:44", with `seconds` "2/12/2026 03:44:05")."""
    if value is None:
        return ""
    pattern = _patterns(locale)["seconds" if seconds else "datetime"]
    return babel_format_datetime(to_local(value, zone), pattern, locale=locale)


def format_number(value: float | int | None, locale: str, decimals: int = 1) -> str:
    """A number with at most `decimals` decimals, in the locale's digits: "2,5", "1.234"."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(value or 0, format=pattern, locale=locale)


def format_long_date(day: date, language: str = "vi") -> str:
    """A date written out, as on the certificate.

    vi follows the Vietnamese administrative style (Decree 30/2020/ND-CP: days below 10
    and the months 1 and 2 take a leading zero): "ngày 23 tháng 11 năm 2026",
    "ngày 05 tháng 02 năm 2026"; en: "23 November 2026".
    """
    if language == "vi":
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"ngày {day.day:02d} tháng {month} năm {day.year}"
    if language == "en":
        return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    raise ValueError(f"unsupported language: {language!r}")
