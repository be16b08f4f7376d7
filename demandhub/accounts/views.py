"""Sign-in (password, then the second factor), sign-out, the landing page and staff sessions."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from demandhub import audit
from demandhub.audit.models import Action
from demandhub.core.errors import DomainError

from . import actions, need_to_know, otp
from .consoles import consoles_for
from .models import User
from .roles import ROLES_BY_NAME
from .sessions import State, session_state, touch

NEXT_KEY = "demandhub_next"


class LoginView(auth_views.LoginView):  # public: Django marks it login_not_required
    """The password step. A good password gives a *pending* session, which the second-factor
    step (enrol on first sign-in, verify afterwards) completes."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: forms.Form) -> HttpResponse:
        next_url = self.get_redirect_url()
        super().form_valid(form)
        if next_url:
            self.request.session[NEXT_KEY] = next_url
        touch(self.request.session)
        return redirect("accounts:otp_verify")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["idle"] = self.request.GET.get("idle") == "1"
        return context


class LogoutView(auth_views.LogoutView):  # POST only, as Django requires
    pass


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6-digit code your authenticator app shows."},
    )


def _after_second_factor(request: HttpRequest) -> HttpResponse:
    next_url = request.session.pop(NEXT_KEY, "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("accounts:landing")


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the enrolled authenticator app."""
    if session_state(request.session) is State.VERIFIED:
        return redirect("accounts:landing")
    device = otp.confirmed_device(request.user)  # type: ignore[arg-type]
    if device is None:
        return redirect("accounts:otp_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, allowed = otp.verify(device, form.cleaned_data["code"].strip())
        if verified:
            with transaction.atomic():
                otp_login(request, device)
                audit.record(
                    Action.USER_SECOND_FACTOR_VERIFIED, actor=request.user, subject=request.user
                )
            return _after_second_factor(request)
        audit.record(Action.USER_SECOND_FACTOR_FAILED, actor=request.user, subject=request.user)
        form.add_error(
            "code",
            "That code did not match. Wait for the next code and try again."
            if allowed
            else "Too many wrong codes: wait a few seconds, then enter the current code.",
        )
    return render(request, "accounts/otp_verify.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up an authenticator app from the QR code (or the secret as text),
    then prove it with a code."""
    user: User = request.user  # type: ignore[assignment]
    if otp.confirmed_device(user) is not None:
        return redirect("accounts:otp_verify")
    device = otp.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, allowed = otp.verify(device, form.cleaned_data["code"].strip())
        if verified:
            with transaction.atomic():
                actions.confirm_second_factor(device, by=user)
                otp_login(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return _after_second_factor(request)
        form.add_error(
            "code",
            "That code did not match. Check the app's clock and try again."
            if allowed
            else "Too many wrong codes: wait a few seconds, then enter the current code.",
        )
    context = {
        "form": form,
        "qr_svg": otp.qr_svg(device),
        "secret": otp.secret_base32(device),
        "otpauth_uri": otp.otpauth_uri(device),
        "issuer": otp.issuer(),
    }
    return render(request, "accounts/otp_enrol.html", context, status=_status(form))


def _status(form: forms.Form) -> int:
    return 422 if form.is_bound and form.errors else 200


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


@require_GET
@permission_required("accounts.revoke_sessions", raise_exception=True)
def staff_sessions(request: HttpRequest) -> HttpResponse:
    """Staff accounts with their sign-in state: sign someone out everywhere, clear a lockout,
    or reset a lost authenticator."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = list(
        User.objects.filter(is_active=True).prefetch_related("groups").order_by("username")
    )
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True).distinct()
    )
    locked = {
        a.username
        for a in AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    }
    rows = [
        {"user": u, "enrolled": u.pk in enrolled, "locked": u.username in locked} for u in staff
    ]
    return render(request, "accounts/staff_sessions.html", {"rows": rows})


@require_POST
@permission_required("accounts.revoke_sessions", raise_exception=True)
def staff_session_action(request: HttpRequest, user_id: int, what: str) -> HttpResponse:
    target = get_object_or_404(User, pk=user_id)
    reason = request.POST.get("reason", "")
    try:
        if what == "revoke":
            actions.revoke_sessions(target, by=request.user, reason=reason)  # type: ignore[arg-type]
            messages.success(request, f"{target} is signed out everywhere.")
        elif what == "unlock":
            actions.unlock(target, by=request.user)  # type: ignore[arg-type]
            messages.success(request, f"{target} may sign in again.")
        elif what == "reset-second-factor":
            actions.reset_second_factor(target, by=request.user, reason=reason)  # type: ignore[arg-type]
            messages.success(request, f"{target} will set up an authenticator at next sign-in.")
        else:
            return HttpResponse("No such action.", status=404)
    except DomainError as error:
        messages.error(request, str(error))
    if target.pk == request.user.pk and what != "unlock":
        return redirect("accounts:login")
    return redirect("accounts:staff_sessions")


@require_POST
@login_required  # any member of staff: the reason is only kept; need_to_know.check decides
def restricted_reason(request: HttpRequest) -> HttpResponse:
    """The reason for opening a restricted record, then back to the record."""
    key = request.POST.get("key", "")[:140]
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    try:
        need_to_know.give_reason(request.session, key, request.POST.get("reason", ""))
    except DomainError as error:
        context = {"key": key, "label": request.POST.get("label", "")[:200], "next": next_url}
        context["error"] = str(error)
        return render(request, "accounts/restricted_reason.html", context, status=422)
    return redirect(next_url)
