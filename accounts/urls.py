from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A3.1: a new account's holder chooses the first password through a one-time link.
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_set.html", success_url=reverse_lazy("password-set-done")
        ),
        name="password-set",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_set_done.html"),
        name="password-set-done",
    ),
    path("accounts/requests/", views.request_list, name="acct-requests"),
    path("accounts/requests/new/", views.request_new, name="acct-request-new"),
    path("accounts/requests/<int:pk>/", views.request_detail, name="acct-request-detail"),
    path("accounts/requests/<int:pk>/<slug:step>/", views.request_step, name="acct-request-step"),
    path("accounts/grants/", views.grant_list, name="acct-grants"),
    path("accounts/hr/", views.hr_list, name="acct-hr"),
    path("accounts/hr/import/", views.hr_import, name="acct-hr-import"),
]
