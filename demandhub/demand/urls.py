from django.urls import path

from . import views

app_name = "demand"

urlpatterns = [
    path("", views.exercises, name="exercises"),
    path("start", views.start, name="start"),
    path("<int:pk>/end", views.end, name="end"),
    path("<int:pk>/purge", views.purge, name="purge"),
]
