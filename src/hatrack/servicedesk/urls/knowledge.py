"""Writing the knowledge base, under /servicedesk/articles/ (technicians and leaders)."""

from django.urls import path

from hatrack.servicedesk.views import knowledge

urlpatterns = [
    path("articles/", knowledge.article_list, name="article_list"),
    path("articles/new/", knowledge.article_create, name="article_create"),
    path("articles/<int:pk>/edit/", knowledge.article_edit, name="article_edit"),
    path("articles/<int:pk>/publish/", knowledge.article_publish, name="article_publish"),
]
