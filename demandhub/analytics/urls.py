from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("capacity/", views.capacity, name="capacity"),
    path("performance/", views.performance, name="performance"),
    path("performance/report/", views.monthly_report, name="report"),
    path("floor/", views.floor_view, name="floor"),
    path("performance/<slug:slug>.csv", views.performance_csv, name="performance_csv"),
]
