"""{% idempotency_field %}: a fresh key for one form, so that resending it creates nothing twice.

Each render gets a new key: a form shown again with errors carries a new one, so correcting
it is a new request, while a double click or a browser resend of the same page is a retry.
"""

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from demandhub.core.idempotency import FORM_FIELD

register = template.Library()


@register.simple_tag
def idempotency_field() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, uuid.uuid4().hex)
