"""The site's URLs plus one view that refuses access (no page of ours raises a bare 403)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from helpdesk.urls import handler400, handler500
from helpdesk.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("test-forbidden/", forbidden), *site_urlpatterns]
