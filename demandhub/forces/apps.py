from django.apps import AppConfig


class ForcesConfig(AppConfig):
    name = "demandhub.forces"
    label = "forces"
    verbose_name = "Force, policing areas and stations"
