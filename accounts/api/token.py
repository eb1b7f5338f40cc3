"""An API token for a user name and password (issue 13 §6): ``POST /api/v1/token/`` answers a new
key (shown once; only its digest is kept, ``accounts.models.ApiToken``), ``DELETE`` revokes the key
the request is signed with. Both are audited on the user (``accounts.services.api_token_issue`` /
``api_token_revoke``).

A wrong password is a failed login like one on the login page: django-axes counts it (the same
user name from the same address is locked out after ``AXES_FAILURE_LIMIT`` failures, answered 429
``locked_out``) and it is in the audit trail (``login_failed``). Both methods are throttled per
address (``API_TOKEN_RATE``, 429 ``throttled``).
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.errors import DomainError, Invalid
from org.models import User

from .. import services
from ..access import TokenAuthentication
from ..models import ApiToken


class LockedOut(DomainError):
    status = 429
    code = "locked_out"
    default_message = _("Too many failed logins: try again later.")


class TokenThrottle(SimpleRateThrottle):
    """Requests to the token endpoint per client address."""

    scope = "api-token"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_RATE", "20/minute")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", help_text="what for")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="the key: send it as 'Authorization: Token <key>'; shown only once")
    prefix = serializers.CharField()
    username = serializers.CharField()
    department = serializers.CharField(allow_null=True)


# The one error body (config.openapi registers it on every operation).
TOO_MANY = OpenApiResponse(response={"$ref": "#/components/schemas/Error"}, description="Too many requests or failures")


class TokenView(APIView):
    """Obtain an API token with a user name and password; revoke the one you sign in with."""

    throttle_classes = [TokenThrottle]

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    @extend_schema(
        request=TokenRequestSerializer, responses={201: TokenSerializer, 429: TOO_MANY}, operation_id="token_create"
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        http_request = request._request  # django-axes reads and flags the Django request
        user = authenticate(http_request, username=data["username"], password=data["password"])
        if getattr(http_request, "axes_locked_out", False):
            http_request.axes_locked_out = False  # answered here, as JSON (not axes' lockout page)
            raise LockedOut()
        if not isinstance(user, User):
            raise Invalid(_("The user name or password is wrong."), code="invalid_credentials")
        key = services.api_token_issue(user=user, by=user, name=data["name"] or "api")
        department = user.department.code if user.department_id else None
        answer = {"token": key, "prefix": key[: ApiToken.PREFIX_LENGTH], "username": user.username}
        return Response(TokenSerializer(answer | {"department": department}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, 429: TOO_MANY}, operation_id="token_destroy")
    def delete(self, request):
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            raise Invalid(_("Sign the request with the token to revoke."), code="no_token")
        services.api_token_revoke(token=request.auth, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
