import pytest

from org.roles import Role
from responses.defaults import load_catalogue
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cat(org):
    """The business-type catalogue and key areas."""
    return load_catalogue()


@pytest.fixture
def people(org):
    def user(name, dept, *roles):
        return UserFactory(username=name, department=org[dept], roles=list(roles))

    return {
        "zq_admin": user("zq_admin", "gov_enterprise", Role.FRONT_ADMIN),
        "zq_director": user("zq_director", "gov_enterprise", Role.LEADER),
        "gz_admin": user("gz_admin", "public", Role.FRONT_ADMIN),
        "gz_leader": user("gz_leader", "public", Role.LEADER),
        "dispatcher": user("dispatcher", "center", Role.DISPATCHER),
        "jk_member": user("jk_member", "nmc", Role.BACK_MEMBER),
        "jk_admin": user("jk_admin", "nmc", Role.BACK_ADMIN, Role.BACK_MEMBER),
        "xl_admin": user("xl_admin", "line", Role.BACK_ADMIN, Role.BACK_MEMBER),
        "js_member": user("js_member", "netbuild", Role.BACK_MEMBER),
        "gl_member": user("gl_member", "netmgmt", Role.BACK_MEMBER),
        "sc_leader": user("sc_leader", "market", Role.LEADER),
        "viewer": user("viewer", "center", Role.VIEWER),
        "auditor": user("auditor", "it", Role.AUDITOR),
        "it_operator": user("it_operator", "it", Role.IT_OPERATOR),
    }
