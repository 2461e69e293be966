from django.urls import path

from yakuba.remoteseats import views

app_name = "remoteseats"

urlpatterns = [
    path("seats/", views.seats, name="seats"),
    path("seats/book/", views.book, name="book"),
    path("seats/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("pools/", views.resource_list, name="resource_list"),
    path("pools/new/", views.resource_create, name="resource_create"),
    path("pools/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("terminals/", views.terminal_list, name="terminal_list"),
    path("terminals/new/", views.terminal_create, name="terminal_create"),
    path("terminals/<int:pk>/", views.terminal_detail, name="terminal_detail"),
    path("terminals/<int:pk>/edit/", views.terminal_edit, name="terminal_edit"),
    path("terminals/<int:pk>/checkout/", views.terminal_checkout, name="terminal_checkout"),
    path("terminals/<int:pk>/return/", views.terminal_return, name="terminal_return"),
]
