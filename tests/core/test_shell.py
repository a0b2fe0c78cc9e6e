"""The page shell: navigation by role, security headers, static assets from npm, error pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


def nav_labels(response) -> list[str]:
    return [str(item["label"]) for item in response.context["nav_items"]]


def test_a_user_without_administration_rights_sees_only_the_workbench(staff_client):
    response = staff_client.get(HOME)
    assert response.status_code == 200
    assert nav_labels(response) == ["工作台", "通知"]
    assert reverse("admin:index") not in response.content.decode()


def test_an_administrator_also_sees_administration_and_the_api_docs(client, superuser):
    client.force_login(superuser)
    response = client.get(HOME)
    assert nav_labels(response) == [
        "工作台",
        "指挥中心",
        "通知",
        "今日网格",
        "事件",
        "部门工单",
        "督办",
        "12345工单",
        "考核",
        "住户",
        "走访",
        "走访覆盖率",
        "导入导出",
        "区域",
        "网格标准",
        "职能部门",
        "党建",
        "用户与角色",
        "访问日志",
        "工作日历",
        "接口文档",
        "系统管理",
    ]


def test_the_workbench_uses_a_fixed_number_of_queries(staff_client, django_assert_num_queries):
    staff_client.get(HOME)
    # session, user, the user's roles for the navigation and for the page, and the session's refresh
    # (saved on every request, in a savepoint)
    with django_assert_num_queries(7):
        assert staff_client.get(HOME).status_code == 200


def test_pages_carry_a_content_security_policy_and_security_headers(staff_client):
    response = staff_client.get(HOME)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_load_nothing_from_a_cdn_and_have_no_inline_scripts():
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), f"{template} loads from another host"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"{template} has an inline script"


def test_every_asset_the_shell_loads_is_found_locally(staff_client):
    page = staff_client.get(HOME).content.decode()
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', page)
    assert {"vendor/bootstrap/css/bootstrap.min.css", "vendor/htmx/htmx.min.js", "js/app.js"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), f"the shell loads /static/{asset}, which no static folder holds"


def test_echarts_is_installed_for_the_dashboards():
    assert finders.find("vendor/echarts/echarts.min.js"), "npm ci did not install ECharts"


def test_an_unknown_page_answers_a_chinese_404(staff_client):
    response = staff_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
