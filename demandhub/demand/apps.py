from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "demandhub.demand"
    label = "demand"
    verbose_name = "Demand generator and replay"
