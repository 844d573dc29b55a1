"""The staff portal under /help/: ask for help, follow one's tickets, read answers."""

from django.urls import URLPattern

app_name = "portal"
urlpatterns: list[URLPattern] = []
