from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "demandhub.audit"
    label = "audit"
    verbose_name = "Audit trail"
