"""URLs of the systems hat: checks."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
