"""Infosec's pages under /security/drills/, and the short public links under /t/ that
the drill mails carry (no sign-in: views_public)."""

from django.urls import path

from yakuba.drills import views, views_public

app_name = "drills"

urlpatterns = [
    path("security/drills/", views.drill_list, name="drill_list"),
    path("security/drills/new/", views.drill_create, name="drill_create"),
    path("security/drills/<int:pk>/", views.drill_detail, name="drill_detail"),
    path("security/drills/<int:pk>/edit/", views.drill_edit, name="drill_edit"),
    path("security/drills/<int:pk>/launch/", views.drill_launch, name="drill_launch"),
    path("security/drills/<int:pk>/resend/", views.drill_resend, name="drill_resend"),
    path("security/drills/<int:pk>/finish/", views.drill_finish, name="drill_finish"),
    path("security/drills/<int:pk>/export/", views.drill_export, name="drill_export"),
    path("security/drills/<int:pk>/recipients/", views.drill_recipients, name="drill_recipients"),
    path("security/drills/templates/", views.template_list, name="template_list"),
    path("security/drills/templates/new/", views.template_create, name="template_create"),
    path("security/drills/templates/load/", views.template_load, name="template_load"),
    path("security/drills/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path(
        "security/drills/templates/<int:pk>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path("t/o/<str:token>.gif", views_public.open_pixel, name="open"),
    path("t/c/<str:token>", views_public.click, name="click"),
    path("t/c/<str:token>/form", views_public.typed, name="typed"),
    path("t/r/<str:token>", views_public.report, name="report"),
]
