"""Shared tables: the idempotency keys that make every intake entry point safe to retry."""

from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The first answer given to a request carrying an Idempotency-Key (core/idempotency.py).

    The unique (scope, key) constraint is what makes a retry safe: the row is inserted once,
    with the answer, at the end of the transaction that did the work it guards, so of two
    requests with the same key only one commits; the other's INSERT fails, its work is rolled
    back and it replays the committed answer. Nothing here is ever half done.
    """

    # sha256 of who asked (token or staff member, or "public") with the method and path: the
    # same key from two clients, or on two routes, is two keys.
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    # sha256 of the request body: the same key with a different body is refused (422).
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_once")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
