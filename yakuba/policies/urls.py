from django.urls import path

from yakuba.policies import manage_views, views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("new/", manage_views.policy_create, name="policy_create"),
    path("<int:pk>/edit/", manage_views.policy_edit, name="policy_edit"),
    path("<int:pk>/years/new/", manage_views.year_create, name="year_create"),
    path("<int:pk>/contact/", manage_views.contact_edit, name="contact_edit"),
    path("years/<int:pk>/", views.year_detail, name="year_detail"),
    path("years/<int:pk>/evaluation/", manage_views.evaluation_edit, name="evaluation_edit"),
    path("years/<int:pk>/comments/new/", manage_views.comment_create, name="comment_create"),
    path("years/<int:pk>/replies/new/", views.reply_create, name="reply_create"),
    path("years/<int:pk>/publish/", manage_views.publish, name="publish"),
    path("years/<int:pk>/versions/", views.version_list, name="version_list"),
    path("comments/<int:pk>/edit/", manage_views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", manage_views.comment_delete, name="comment_delete"),
    path("comments/import/", manage_views.comment_import, name="comment_import"),
    path("headings/", manage_views.heading_list, name="heading_list"),
    path("headings/<int:pk>/", manage_views.heading_edit, name="heading_edit"),
    path("replies/<int:pk>/edit/", views.reply_edit, name="reply_edit"),
    path("replies/<int:pk>/submit/", views.reply_submit, name="reply_submit"),
    path("replies/<int:pk>/decide/", views.reply_decide, name="reply_decide"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
]
