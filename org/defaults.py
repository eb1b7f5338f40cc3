"""The organisation of SPEC §0 and the role groups; idempotent."""

from django.db import transaction

from .models import Department
from .roles import Dept, ensure_role_groups

S = Department.Side
DEPARTMENTS = [
    # code, English name, Chinese name, side
    (Dept.GOV_ENTERPRISE, "Government & Enterprise Customers", "政企客户部", S.FRONT),
    (Dept.PUBLIC, "Public Customers", "公众客户部", S.FRONT),
    (Dept.HOTLINE, "10000 Hotline", "10000号", S.FRONT),
    (Dept.MARKET, "Market Development", "市场拓展部", S.FRONT),
    (Dept.CENTER, "Customer Response Center", "客户响应中心", S.CENTER),
    (Dept.NMC, "Network Monitoring Center", "网络监控中心", S.BACK),
    (Dept.LINE, "Line Maintenance Center", "线路维护中心", S.BACK),
    (Dept.WIRELESS, "Wireless Equipment Center", "无线设备中心", S.BACK),
    (Dept.NETBUILD, "Network Construction", "网络建设部", S.BACK),
    (Dept.NETMGMT, "Network Management", "网络管理部", S.BACK),
    (Dept.VAS, "Value-Added Services Center", "增值业务中心", S.BACK),
    (Dept.IT, "IT Management", "IT管理部", S.SUPPORT),
    (Dept.CUSTSVC, "Customer Service", "客户服务部", S.SUPPORT),
    (Dept.OFFICE, "General Office", "综合办公室", S.SUPPORT),
    (Dept.LEGAL, "Legal & Security", "法律安保部", S.SUPPORT),
]


@transaction.atomic
def load_organisation() -> dict[str, Department]:
    ensure_role_groups()
    departments: dict[str, Department] = {}
    for code, name, name_zh, side in DEPARTMENTS:
        departments[code.value], _ = Department.objects.update_or_create(
            code=code.value, defaults={"name": name, "name_zh": name_zh, "side": side}
        )
    return departments
