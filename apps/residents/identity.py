"""Checks and masks of the personal numbers held on residents: the 18-digit citizen identity number
(GB 11643-1999, with its ISO 7064 MOD 11-2 check character) and mobile phones."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import mask_phone

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
PHONE = re.compile(r"^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$")

__all__ = ["PHONE", "check_digit", "clean_id_number", "clean_phone", "id_facts", "mask_id", "mask_phone"]


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True)) % 11]


def clean_id_number(value: str) -> str:
    """The number in its stored form (upper-case X, no spaces), or a ValidationError saying what is wrong."""
    number = (value or "").strip().replace(" ", "").upper()
    if not _SHAPE.match(number):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."), code="shape")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID number's check digit is wrong; check it for a typing error."), code="check"
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise ValidationError(_("This ID number holds no valid date of birth."), code="birth") from error
    if born.year < 1900 or born > datetime.date.today():  # noqa: DTZ011 - a date of birth has no zone
        raise ValidationError(_("This ID number holds no valid date of birth."), code="birth")
    return number


def id_facts(number: str) -> tuple[int, str]:
    """(birth year, gender) as the identity number records them: its 17th digit is odd for men."""
    return int(number[6:10]), ("male" if int(number[16]) % 2 else "female")


def mask_id(number: str) -> str:
    """110101********1234: the region and the last four, never the date of birth."""
    if not number:
        return ""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def clean_phone(value: str) -> str:
    phone = (value or "").strip().replace(" ", "")
    if phone and not PHONE.match(phone):
        raise ValidationError(
            _("Enter an 11-digit mobile number such as 13800138000, or a landline such as 010-12345678."),
            code="phone",
        )
    return phone


def make_id_number(region: str, born: datetime.date, sequence: int, *, male: bool) -> str:
    """A well-formed number for fictional people (demo data, tests): region code, date of birth, a
    sequence whose last digit is odd for men, and the check character."""
    sequence = sequence % 500 * 2 + (1 if male else 0)
    first17 = f"{region[:6]}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
