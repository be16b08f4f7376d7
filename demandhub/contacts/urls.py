"""Staff consoles under /contacts/; the public's pages at /report/, /track/ and /chat/."""

from django.urls import path

from . import public_views, views

app_name = "contacts"

urlpatterns = [
    path("contacts/", views.console, name="console"),
    path("contacts/take-next/", views.take_next, name="take_next"),
    path("contacts/my-state/", views.staff_state, name="staff_state"),
    path("contacts/queues/", views.board, name="board"),
    path("contacts/chats/", views.chats, name="chats"),
    path("contacts/search/", views.search, name="search"),
    path("contacts/<int:pk>/", views.detail, name="detail"),
    path("contacts/<int:pk>/take/", views.take, name="take"),
    path("contacts/<int:pk>/release/", views.release, name="release"),
    path("contacts/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("contacts/<int:pk>/location/", views.location, name="location"),
    path("contacts/<int:pk>/aml/<int:aml_pk>/use/", views.use_aml, name="use_aml"),
    path("contacts/<int:pk>/reporter-update/", views.reporter_update, name="reporter_update"),
    path("contacts/<int:pk>/photos/<int:attachment_pk>/", views.photo, name="photo"),
    path("report/", public_views.report_index, name="report"),
    path("report/crime/", public_views.report_crime, name="report_crime"),
    path("report/anti-social-behaviour/", public_views.report_asb, name="report_asb"),
    path("report/road-traffic/", public_views.report_road_traffic, name="report_road_traffic"),
    path("track/", public_views.track, name="track"),
    path("chat/", public_views.chat, name="chat"),
]
