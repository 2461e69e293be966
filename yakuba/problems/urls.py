from django.urls import path

from yakuba.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.register, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.create, name="create"),
    path("review/", views.review, name="review"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path(
        "<int:pk>/countermeasures/new/", views.countermeasure_create, name="countermeasure_create"
    ),
    path("countermeasures/<int:pk>/edit/", views.countermeasure_edit, name="countermeasure_edit"),
]
