"""Template filters for the contact consoles."""

from django import template

from ..phones import for_display

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """+447700900123 -> 07700 900123 (international format for other countries)."""
    return for_display(e164) if e164 else ""
