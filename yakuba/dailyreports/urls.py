from django.urls import path

from yakuba.dailyreports import views

app_name = "dailyreports"

urlpatterns = [
    path("today/", views.my_report, name="my_report"),
    path("r/<int:pk>/", views.report_detail, name="report_detail"),
    path("board/", views.board, name="board"),
    path("digest/<int:unit_pk>/<str:day>/", views.digest, name="digest"),
    path("blockers/", views.blockers, name="blockers"),
    path("blockers/<int:pk>/", views.blocker_update, name="blocker_update"),
    path("setup/", views.setup_list, name="setup_list"),
    path("setup/<int:unit_pk>/", views.setup, name="setup"),
    path("overview/", views.overview, name="overview"),
    path("export/", views.export, name="export"),
    path("chat/slack/", views.slack_command, name="slack_command"),
    path("chat/mattermost/", views.mattermost_command, name="mattermost_command"),
]
