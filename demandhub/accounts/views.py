"""Sign-in, sign-out and the landing page that lists a user's consoles."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .consoles import consoles_for
from .roles import ROLES_BY_NAME


class LoginView(auth_views.LoginView):  # public: Django marks it login_not_required
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):  # POST only, as Django requires
    pass


@require_GET
@login_required  # any signed-in member of staff; it lists only what their roles allow
def landing(request: HttpRequest) -> HttpResponse:
    names = request.user.role_names  # type: ignore[union-attr]
    roles = [ROLES_BY_NAME[n] for n in names if n in ROLES_BY_NAME]
    return render(
        request,
        "accounts/landing.html",
        {"roles": roles, "consoles": consoles_for(request.user)},
    )
