"""URLs of the systems hat: maintenance."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
