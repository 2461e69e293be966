from django.urls import path

from yakuba.knowledge import crossing_views, views

app_name = "knowledge"

urlpatterns = [
    path("", views.question_list, name="questions"),
    path("ask/", views.ask, name="ask"),
    path("q/<int:pk>/", views.question_detail, name="question"),
    path("q/<int:pk>/answer/", views.answer, name="answer"),
    path("q/<int:pk>/comment/", views.comment_question, name="comment_question"),
    path("q/<int:pk>/duplicate/", views.mark_duplicate, name="duplicate"),
    path("q/<int:pk>/close/", views.close, name="close"),
    path("a/<int:pk>/comment/", views.comment_answer, name="comment_answer"),
    path("a/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("a/<int:pk>/accept/", views.accept, name="accept"),
    path("a/<int:pk>/howto/", views.to_howto, name="to_howto"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("helpers/", views.helpers, name="helpers"),
    path("helpers/me/", views.my_helper, name="my_helper"),
    path("helpers/appoint/", views.appoint, name="appoint"),
    path("helpers/<int:pk>/end/", views.end_appointment, name="end_appointment"),
    path("crossing/", crossing_views.crossing_page, name="crossing"),
    path("crossing/export/", crossing_views.crossing_export, name="crossing_export"),
    path("howto/", views.howto_list, name="howtos"),
    path("howto/new/", views.howto_new, name="howto_new"),
    path("howto/<slug:slug>/", views.howto, name="howto"),
    path("howto/<slug:slug>/edit/", views.howto_edit, name="howto_edit"),
    path("howto/<slug:slug>/history/", views.howto_history, name="howto_history"),
    path("howto/<slug:slug>/v<int:number>/", views.howto_version, name="howto_version"),
]
