from django.urls import path, re_path

from yakuba.meetings import views
from yakuba.meetings.quality import views as quality_views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/times/", views.agenda_times, name="agenda_times"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/next/", views.next_item, name="next_item"),
    path("<int:pk>/minutes/add/", views.entry_add, name="entry_add"),
    path("<int:pk>/timeline/", views.timeline_view, name="timeline"),
    path("<int:pk>/timeline/refresh/", views.presence_refresh, name="presence_refresh"),
    path("<int:pk>/teams-report/", views.teams_upload, name="teams_upload"),
    path("<int:pk>/attendance/", views.manual_mark, name="manual_mark"),
    path("<int:pk>/finalise/", views.finalise, name="finalise"),
    path("<int:pk>/recontact/", views.recontact, name="recontact"),
    path("catch-ups/", views.catchup_list, name="catchup_list"),
    path("catch-ups/<int:pk>/", views.catchup_detail, name="catchup_detail"),
    path("catch-ups/<int:pk>/ack/", views.catchup_ack, name="catchup_ack"),
    path("platforms/", views.platforms, name="platforms"),
    path("connection/", quality_views.quality_mine, name="quality_mine"),
    path("connection/units/", quality_views.quality_summary, name="quality_summary"),
    path("connection/settings/", quality_views.quality_settings, name="quality_settings"),
    # Called by the platforms (verified by signature or token, not by session).
    path("hooks/zoom/<slug:key>/", views.zoom_webhook, name="zoom_webhook"),
    re_path(
        r"^hooks/jitsi/events/(?P<group>occupant|room)/(?P<action>joined|left|destroyed)/?$",
        views.jitsi_event,
        name="jitsi_event",
    ),
]
