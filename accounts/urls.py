from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/requests/", views.request_list, name="acct-requests"),
    path("accounts/requests/new/", views.request_new, name="acct-request-new"),
    path("accounts/requests/<int:pk>/", views.request_detail, name="acct-request-detail"),
    path("accounts/requests/<int:pk>/<slug:step>/", views.request_step, name="acct-request-step"),
    path("accounts/grants/", views.grant_list, name="acct-grants"),
    path("accounts/hr/", views.hr_list, name="acct-hr"),
    path("accounts/hr/import/", views.hr_import, name="acct-hr-import"),
]
