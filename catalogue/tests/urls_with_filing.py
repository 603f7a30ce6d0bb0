"""The project's URLs plus a stand-in for the tickets app's filing page.

The leaf page links to ``tickets:file`` as soon as that URL exists; this
urlconf lets the catalogue test the link without depending on the tickets app.
"""

from django.http import HttpResponse
from django.urls import include, path

from helpdesk.urls import urlpatterns as project_urlpatterns


def file_stub(request, slug):
    return HttpResponse(slug)


filing = ([path("deposer/<slug:slug>/", file_stub, name="file")], "tickets")

urlpatterns = [path("test-tickets/", include(filing)), *project_urlpatterns]
