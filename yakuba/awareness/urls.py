from django.urls import path

from yakuba.awareness import views, views_bank

app_name = "awareness"

urlpatterns = [
    path("", views.home, name="home"),
    path("answer/<int:pk>/", views.answer, name="answer"),
    path("answers/<int:pk>/", views.result, name="result"),
    path("offer/skip/", views.offer_skip, name="offer_skip"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/<int:pk>/", views.lesson, name="lesson"),
    path("bank/", views_bank.bank_list, name="bank"),
    path("bank/questions/new/", views_bank.question_create, name="question_create"),
    path("bank/questions/<int:pk>/", views_bank.question_edit, name="question_edit"),
    path("bank/questions/<int:pk>/active/", views_bank.question_active, name="question_active"),
    path("bank/lessons/new/", views_bank.lesson_create, name="lesson_create"),
    path("bank/lessons/<int:pk>/", views_bank.lesson_edit, name="lesson_edit"),
    path("bank/lessons/<int:pk>/active/", views_bank.lesson_active, name="lesson_active"),
    path("bank/export/", views_bank.bank_export, name="bank_export"),
    path("bank/import/", views_bank.bank_import, name="bank_import"),
    path("bank/starter/", views_bank.load_starter, name="load_starter"),
    path("bank/settings/", views_bank.bank_settings, name="settings"),
]
