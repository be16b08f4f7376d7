from django.urls import path

from . import console, views

app_name = "dispatch"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/map.json", views.board_map, name="board_map"),
    path("resources/<int:pk>/status", views.change_status, name="change_status"),
    path("mdt/", views.mdt, name="mdt"),
    path("mdt/status", views.mdt_status, name="mdt_status"),
    path("mdt/book-on", views.mdt_book_on, name="mdt_book_on"),
    path("mdt/book-off", views.mdt_book_off, name="mdt_book_off"),
    path("", console.console, name="console"),
    path("console/incidents", console.console_stack, name="console_stack"),
    path("console/map.json", console.console_map, name="console_map"),
    path("incidents/<int:pk>/recommendations", console.recommendations, name="recommendations"),
    path("incidents/<int:pk>/assign", console.assign, name="assign"),
    path("assignments/<int:pk>/stand-down", console.stand_down, name="stand_down"),
    path("assignments/<int:pk>/reassign", console.reassign, name="reassign"),
    path("alerts/", console.alerts, name="alerts"),
]
