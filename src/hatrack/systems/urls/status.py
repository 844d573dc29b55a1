"""URLs of the public status page (/status/, namespace `status`)."""

from django.urls import URLPattern, path

from hatrack.systems.views import status

urlpatterns: list[URLPattern] = [
    path("", status.page, name="page"),
    path("subscribe/", status.subscribe, name="subscribe"),
    path("confirm/<str:token>/", status.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", status.unsubscribe, name="unsubscribe"),
]
