from django.urls import path

from . import views

app_name = "crimes"

urlpatterns = [
    path("review/", views.imu_queue, name="imu_queue"),
    path("sergeant/", views.sergeant, name="sergeant"),
    path("mine/", views.mine, name="mine"),
    path("postings/", views.postings, name="postings"),
    path("postings/set/", views.posting, name="posting"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/series/", views.series, name="series"),
    path("<int:pk>/details/", views.details, name="details"),
    path("<int:pk>/location/", views.location, name="location"),
    path("<int:pk>/party/", views.party, name="party"),
    path("<int:pk>/request-information/", views.request_info, name="request_information"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("<int:pk>/not-a-crime/", views.not_a_crime, name="not_a_crime"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/actions/", views.add_action, name="add_action"),
    path("<int:pk>/actions/<int:action>/result/", views.action_result, name="action_result"),
    path("<int:pk>/first-contact/", views.first_contact, name="first_contact"),
    path("<int:pk>/victim-update/", views.victim_update, name="victim_update"),
    path("<int:pk>/victim-care/", views.victim_care, name="victim_care"),
    path("<int:pk>/key-decision/", views.key_decision, name="key_decision"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/link/", views.link, name="link"),
]
