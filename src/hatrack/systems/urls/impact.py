"""URLs of the systems hat: impact."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
