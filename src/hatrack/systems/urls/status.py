"""URLs of the systems hat: status."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
