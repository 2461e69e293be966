from django.urls import path

from yakuba.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("me/", views.profile, name="profile"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.account_list, name="account_list"),
    path("users/<int:pk>/role/", views.account_role, name="account_role"),
    path("directory/unlinked/", views.directory_links, name="directory_links"),
    path("directory/unlinked/<int:pk>/link/", views.directory_link, name="directory_link"),
]
