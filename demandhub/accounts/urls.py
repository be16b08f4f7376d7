from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("login/enrol/", views.otp_enrol, name="otp_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("staff/sessions/", views.staff_sessions, name="staff_sessions"),
    path("restricted/reason/", views.restricted_reason, name="restricted_reason"),
    path(
        "staff/sessions/<int:user_id>/<slug:what>/",
        views.staff_session_action,
        name="staff_session_action",
    ),
]
