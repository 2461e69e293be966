"""URLs of the review workflow (included from ``reviews.urls``, namespace ``reviews``)."""

from django.urls import path

from yakuba.reviews import workflow_views as v

urlpatterns = [
    path("work/", v.worklist, name="worklist"),
    path("rounds/", v.round_list, name="round_list"),
    path("rounds/new/", v.round_create, name="round_create"),
    path("items/<int:pk>/", v.review_detail, name="review_detail"),
    path("items/<int:pk>/track/", v.review_track, name="review_track"),
    path("items/<int:pk>/answer/", v.review_answer, name="review_answer"),
    path("items/<int:pk>/override/", v.review_override, name="review_override"),
    path("items/<int:pk>/submit/", v.review_submit, name="review_submit"),
    path("items/<int:pk>/decide/", v.review_decide, name="review_decide"),
    path("items/<int:pk>/return/", v.review_return, name="review_return"),
    path("items/<int:pk>/implemented/", v.review_implemented, name="review_implemented"),
    path("items/<int:pk>/tasks/", v.task_add, name="task_add"),
    path("tasks/<int:pk>/", v.task_update, name="task_update"),
    path("changes/", v.change_list, name="change_list"),
    path("changes/export/", v.change_list_export, name="change_list_export"),
    path("progress/", v.dashboard, name="dashboard"),
    path("progress/blocked/", v.blocked, name="blocked"),
    path("progress/blocked/export/", v.blocked_export, name="blocked_export"),
    path("progress/assumptions/", v.assumptions, name="assumptions"),
    path("publication/", v.publication_page, name="publication"),
    path("publication/export/", v.publication_export, name="publication_export"),
]
