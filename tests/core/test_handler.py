"""Issue 12 §1: the one DRF exception handler (core.api.api_exception_handler) maps our domain
errors, Django's errors, DRF's own and the workflow's transition errors to one body shape."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, serializers

from core.api import api_exception_handler
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from sla.workflow import TransitionConflict, TransitionForbidden

pytestmark = pytest.mark.django_db
CORE = Path(__file__).resolve().parents[2] / "core"


def answer(exc):
    with translation.override("zh-hans"):
        response = api_exception_handler(exc, {})
    assert response is not None
    assert set(response.data) == {"code", "detail", "fields"}
    assert isinstance(response.data["detail"], str)
    return response.status_code, response.data


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Invalid("坏"), 400, "invalid"),
        (Forbidden("不行"), 403, "forbidden"),
        (NotFound("没有"), 404, "not_found"),
        (Conflict("晚了"), 409, "conflict"),
        (Conflict("晚了", code="order_wrong_state"), 409, "order_wrong_state"),
        (TransitionConflict("状态不对"), 409, "wrong_state"),
        (TransitionForbidden("不是你"), 403, "forbidden"),
    ],
)
def test_domain_errors_answer_their_status_code_and_message(exc, status, code):
    assert answer(exc) == (status, {"code": code, "detail": str(exc), "fields": {}})


def test_an_invalid_error_carries_its_field_messages():
    status, body = answer(Invalid("检查未完成", code="checklist_incomplete", fields={"checklist": "缺少一项"}))
    assert (status, body) == (
        400,
        {"code": "checklist_incomplete", "detail": "检查未完成", "fields": {"checklist": ["缺少一项"]}},
    )


def test_default_messages_are_chinese():
    assert answer(Invalid())[1]["detail"] == "输入有误。"
    assert answer(Forbidden())[1]["detail"] == "您无权执行此操作。"
    assert answer(NotFound())[1]["detail"] == "没有这条记录。"
    assert answer(Conflict())[1]["detail"] == "当前无法执行此操作。"


def test_transition_errors_are_the_core_errors():
    assert issubclass(TransitionConflict, Conflict) and issubclass(TransitionForbidden, Forbidden)
    assert all(issubclass(cls, DomainError) for cls in (Invalid, Forbidden, NotFound, Conflict))


def test_a_django_validation_error_per_field_answers_400_with_the_fields():
    exc = ValidationError({"month": ["月份有误"], NON_FIELD_ERRORS: ["整体有误"]})
    assert answer(exc) == (
        400,
        {
            "code": "invalid",
            "detail": "输入有误。",
            "fields": {"month": ["月份有误"], "non_field_errors": ["整体有误"]},
        },
    )


def test_a_plain_django_validation_error_answers_its_message_and_code():
    assert answer(ValidationError("日期超出范围", code="date_out_of_range")) == (
        400,
        {"code": "date_out_of_range", "detail": "日期超出范围", "fields": {}},
    )
    assert answer(ValidationError(["甲", "乙"]))[1] == {"code": "invalid", "detail": "甲; 乙", "fields": {}}


def test_django_permission_denied_and_http404():
    assert answer(PermissionDenied("不是本部门")) == (403, {"code": "forbidden", "detail": "不是本部门", "fields": {}})
    status, body = answer(PermissionDenied())
    assert status == 403 and body["code"] == "forbidden" and body["detail"]
    status, body = answer(Http404())
    assert status == 404 and body["code"] == "not_found" and body["detail"]


def test_a_body_over_the_limit_answers_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert answer(RequestDataTooBig()) == (
        400,
        {"code": "body_too_large", "detail": "请求体超过 1000 字节。", "fields": {}},
    )


def test_a_serializer_error_answers_invalid_with_the_serializer_errors():
    class Form(serializers.Serializer):
        month = serializers.IntegerField(max_value=12)
        name = serializers.CharField()

    form = Form(data={"month": 13})
    assert not form.is_valid()
    status, body = answer(exceptions.ValidationError(form.errors))
    assert status == 400 and body["code"] == "invalid" and body["detail"] == "输入有误。"
    assert set(body["fields"]) == {"month", "name"} and all(body["fields"].values())
    assert answer(exceptions.ValidationError(["只是一句"]))[1] == {
        "code": "invalid",
        "detail": "只是一句",
        "fields": {},
    }


def test_drf_exceptions_keep_their_status_and_name_their_code():
    assert answer(exceptions.PermissionDenied())[:1] == (403,)
    assert answer(exceptions.PermissionDenied())[1]["code"] == "forbidden"
    assert answer(exceptions.NotFound())[1]["code"] == "not_found"
    assert answer(exceptions.ParseError("坏的 JSON", code="json_too_deep")) == (
        400,
        {"code": "json_too_deep", "detail": "坏的 JSON", "fields": {}},
    )
    assert answer(exceptions.UnsupportedMediaType("text/plain"))[:1] == (415,)
    assert answer(exceptions.NotAuthenticated())[1]["code"] == "not_authenticated"
    with translation.override("zh-hans"):
        throttled = api_exception_handler(exceptions.Throttled(wait=30), {})
    assert throttled.status_code == 429 and throttled["Retry-After"] == "30"
    assert throttled.data["code"] == "throttled"


def test_anything_else_is_not_mapped():
    assert api_exception_handler(ValueError("程序错误"), {}) is None


def test_core_imports_none_of_our_apps():
    ours = {p.name for p in CORE.parent.iterdir() if (p / "apps.py").exists() or (p / "settings.py").exists()}
    ours.discard("core")
    assert {"accounts", "sla", "config", "responses", "billing", "faults"} <= ours
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            assert not {name.split(".")[0] for name in names} & ours, (path, names)
