"""Every URL of the site. Pages are login-only by default (core.middleware.LoginRequiredMiddleware);
the public allow-list is the views marked @login_not_required, listed in docs/security.md."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from demandhub.core import views as core_views

from .api import api

admin.site.site_header = "Demand Hub administration"
admin.site.site_title = "Demand Hub"


def _admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """One sign-in page for the whole site, the admin included. Signed-in staff who may not
    use the admin are refused here rather than sent round a sign-in loop."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", "/admin/"))


admin.site.login = _admin_login  # type: ignore[method-assign]


urlpatterns = [
    path("", include("demandhub.accounts.urls")),
    path("force/", include("demandhub.forces.urls")),
    path("audit/", include("demandhub.audit.urls")),
    path("", include("demandhub.analytics.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("demandhub.contacts.urls")),
    path("incidents/", include("demandhub.incidents.urls")),
    path("safeguarding/", include("demandhub.safeguarding.urls")),
    path("crimes/", include("demandhub.crimes.urls")),
    path("staff/records/", include("demandhub.privacy.urls")),
    path("scene/", include("demandhub.scene.urls")),
    path("training/", include("demandhub.demand.urls")),
]

handler400 = "demandhub.core.views.bad_request"
handler403 = "demandhub.core.views.permission_denied"
handler404 = "demandhub.core.views.page_not_found"
handler500 = "demandhub.core.views.server_error"
urlpatterns.append(path("dispatch/", include("demandhub.dispatch.urls")))
