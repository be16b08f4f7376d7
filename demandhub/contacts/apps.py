from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "demandhub.contacts"
    label = "contacts"
    verbose_name = "Contacts"
