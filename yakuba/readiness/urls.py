from django.urls import path

from yakuba.readiness import views

app_name = "readiness"

urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("people/", views.people, name="people"),
    path("setup/", views.setup, name="setup"),
    path("setup/items/new/", views.item_create, name="item_create"),
    path("setup/items/<int:pk>/", views.item_edit, name="item_edit"),
]
