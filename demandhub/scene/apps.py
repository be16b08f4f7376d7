from django.apps import AppConfig


class SceneConfig(AppConfig):
    name = "demandhub.scene"
    label = "scene"
    verbose_name = "Live video and location from the scene"
