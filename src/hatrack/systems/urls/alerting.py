"""URLs of the systems hat: alerting."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
