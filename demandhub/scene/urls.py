from django.urls import path

from . import views

app_name = "scene"

urlpatterns = [
    path("incidents/<int:pk>/", views.panel, name="panel"),
    path("incidents/<int:pk>/links/", views.create, name="create"),
    path("incidents/<int:pk>/links/<int:link>/revoke/", views.revoke, name="revoke"),
    path("incidents/<int:pk>/links/<int:link>/sms/", views.send_sms, name="sms"),
    path("incidents/<int:pk>/links/<int:link>/evidence/", views.capture, name="capture"),
    path("incidents/<int:pk>/evidence/", views.evidence_list, name="evidence_list"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    # The caller's page: public, but only with a valid one-time token.
    path("<str:token>/", views.caller, name="caller"),
]
