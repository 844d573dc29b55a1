"""The staff portal under /help/: ask for help, follow one's tickets, read answers."""

from django.urls import path

from hatrack.servicedesk.views import portal, portal_articles, portal_tickets

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("tickets/", portal.ticket_list, name="ticket_list"),
    path("tickets/new/", portal.ticket_create, name="ticket_create"),
    path("tickets/categories/", portal.category_options, name="category_options"),
    path("tickets/suggestions/", portal.suggestions, name="suggestions"),
    path("tickets/<int:pk>/", portal_tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/reply/", portal_tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/fixed/", portal_tickets.ticket_fixed, name="ticket_fixed"),
    path("tickets/<int:pk>/rate/", portal_tickets.ticket_rate, name="ticket_rate"),
    path("articles/", portal_articles.article_list, name="article_list"),
    path("articles/<slug:slug>/", portal_articles.article_detail, name="article_detail"),
    path("articles/<slug:slug>/answered/", portal_articles.deflect, name="deflect"),
]
