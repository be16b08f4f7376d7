from django.urls import path

from . import views, warning_views

app_name = "incidents"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("create/", views.create, name="create"),
    path("assist/", views.assist, name="assist"),
    path("propose/", views.propose, name="propose"),
    path("resolution/", views.resolution_queue, name="resolution_queue"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("warnings/", warning_views.register, name="warnings"),
    path("warnings/add/", warning_views.add, name="warning_add"),
    path("warnings/<int:pk>/withdraw/", warning_views.withdraw, name="warning_withdraw"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/log/", views.log, name="log"),
    path("<int:pk>/log/<int:entry>/strike/", views.strike, name="strike"),
    path("<int:pk>/grade/", views.grade, name="grade"),
    path("<int:pk>/regrade/", views.regrade, name="regrade"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/redirect/", views.redirect_to_agency, name="redirect"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/link/", views.link, name="link"),
]
