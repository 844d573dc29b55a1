"""URLs of the systems hat: incidents."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
