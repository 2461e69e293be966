from django.urls import path

from yakuba.accounts import (
    views,
    views_activation,
    views_hygiene,
    views_provision,
    views_security,
)

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("me/", views.profile, name="profile"),
    path("me/security/", views_security.security, name="security"),
    path("me/password/", views_security.password_change, name="password_change"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.account_list, name="account_list"),
    path("users/<int:pk>/role/", views.account_role, name="account_role"),
    path("directory/unlinked/", views.directory_links, name="directory_links"),
    path("directory/unlinked/<int:pk>/link/", views.directory_link, name="directory_link"),
    # Local accounts: bulk creation by HR, activation sheets, reissue (views_provision)…
    path("provision/", views_provision.provision, name="provision"),
    path("provision/start/", views_provision.provision_start, name="provision_start"),
    path("provision/runs/<int:pk>/", views_provision.provision_run, name="provision_run"),
    path(
        "provision/sheets/<int:pk>/download/",
        views_provision.sheet_download,
        name="provision_sheet",
    ),
    path("users/<int:pk>/reissue/", views_provision.reissue, name="reissue"),
    # …and the public pages: activation by code or link, forgotten password.
    path("activate/", views_activation.activate, name="activate"),
    path("activate/password/", views_activation.activate_password, name="activate_password"),
    path("activate/done/", views_activation.activate_done, name="activate_done"),
    path("activate/l/<str:secret>/", views_activation.activate_link, name="activate_link"),
    path("password/forgot/", views_activation.password_forgot, name="password_forgot"),
    path(
        "password/forgot/sent/",
        views_activation.password_forgot_sent,
        name="password_forgot_sent",
    ),
    path("hygiene/", views_hygiene.hygiene_overview, name="hygiene"),
    path("hygiene/export/", views_hygiene.hygiene_export, name="hygiene_export"),
    path("hygiene/unlock/", views_hygiene.hygiene_unlock, name="hygiene_unlock"),
    path("hygiene/disable/", views_hygiene.hygiene_disable, name="hygiene_disable"),
]
