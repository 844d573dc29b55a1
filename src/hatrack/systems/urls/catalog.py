"""URLs of the systems hat: catalog."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
