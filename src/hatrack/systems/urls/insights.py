"""URLs of the systems hat: insights."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
