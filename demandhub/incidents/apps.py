from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "demandhub.incidents"
    label = "incidents"
    verbose_name = "Incidents"
