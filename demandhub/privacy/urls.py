from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.records, name="records"),
    path("restrict/", views.restrict, name="restrict"),
    path("restrictions/<int:pk>/lift/", views.lift, name="lift"),
    path("holds/", views.place_hold, name="place_hold"),
    path("holds/<int:pk>/release/", views.release_hold, name="release_hold"),
]
