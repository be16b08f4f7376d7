"""Phone numbers as the public gives them, normalised to E.164. No database access here."""

import phonenumbers

# The force is in the UK: a number without a country code is read as a GB number.
DEFAULT_REGION = "GB"


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 ("+447700900123"), or "" if it is not a possible phone number
    (withheld, "anonymous", garbage). The caller keeps the raw text alongside."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(e164: str) -> str:
    """+447700900123 -> "07700 900123" for UK numbers, international format otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    # By country code, not region: Ofcom's drama numbers (07700 900xxx) belong to no region.
    if number.country_code == phonenumbers.country_code_for_region(DEFAULT_REGION):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
