from django.apps import AppConfig


class CrimesConfig(AppConfig):
    name = "demandhub.crimes"
    label = "crimes"
    verbose_name = "Crimes"
