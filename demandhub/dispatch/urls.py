from django.urls import path

from . import views

app_name = "dispatch"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/map.json", views.board_map, name="board_map"),
    path("resources/<int:pk>/status", views.change_status, name="change_status"),
    path("mdt/", views.mdt, name="mdt"),
    path("mdt/status", views.mdt_status, name="mdt_status"),
    path("mdt/book-on", views.mdt_book_on, name="mdt_book_on"),
    path("mdt/book-off", views.mdt_book_off, name="mdt_book_off"),
]
