from django.urls import path

from . import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("referrals/<int:pk>/respond/", views.respond, name="respond"),
    path("incidents/<int:pk>/", views.incident_panel, name="incident_panel"),
    path("incidents/<int:pk>/flag/", views.flag, name="flag"),
    path("incidents/<int:pk>/refer/", views.refer, name="refer"),
]
