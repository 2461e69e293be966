from django.urls import path

from yakuba.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("chat-ids/", views.my_chat_identities, name="my_chat_identities"),
    path("chat-ids/staff/<int:pk>/", views.staff_chat_identities, name="staff_chat_identities"),
]
