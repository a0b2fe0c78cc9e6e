"""Sign-in, sign-out, password change and session expiry through the real pages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
HOME = reverse("core:home")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_login_page_speaks_chinese_whatever_the_browser_asks(client):
    response = client.get(LOGIN, headers={"accept-language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "网格治理平台" in page
    assert "用户名" in page


def test_the_language_switch_turns_the_pages_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "网格治理平台" not in page


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"


def test_signing_in_leads_to_the_shell(client, staff_user, password):
    response = client.post(LOGIN, {"username": "street", "password": password}, follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    page = response.content.decode()
    assert "王晓明" in page
    assert "工作台" in page


def test_a_wrong_password_is_refused_with_a_clear_message(client, staff_user):
    response = client.post(LOGIN, {"username": "street", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_username_out(client, staff_user, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "street", "password": "wrong-password"})
    response = client.post(LOGIN, {"username": "street", "password": password})
    assert response.status_code == 429
    assert "登录失败次数过多，请 15 分钟后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username(client, staff_user, superuser, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "street", "password": "wrong-password"})
    response = client.post(LOGIN, {"username": "root", "password": password})
    assert response.status_code == 302


def test_an_expired_session_says_so_when_the_browser_dropped_the_cookie(client, staff_user, password):
    client.post(LOGIN, {"username": "street", "password": password})
    # At expiry the browser forgets the session cookie; the signed-in marker outlives it.
    del client.cookies[settings.SESSION_COOKIE_NAME]
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert messages_of(response) == ["您的登录已过期，请重新登录。"]
    # Said once: the marker is gone, so the next visit is an ordinary one.
    assert messages_of(client.get(HOME, follow=True)) == []


def test_an_expired_session_says_so_when_the_server_expired_it(client, staff_user, password):
    client.post(LOGIN, {"username": "street", "password": password})
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(HOME, follow=True)
    assert messages_of(response) == ["您的登录已过期，请重新登录。"]


def test_a_first_visit_is_not_called_an_expired_session(client):
    assert messages_of(client.get(HOME, follow=True)) == []


def test_signing_out_of_an_expired_session_still_ends_on_the_login_page(client, staff_user, password):
    client.post(LOGIN, {"username": "street", "password": password})
    Session.objects.all().delete()
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert messages_of(response) == ["您已退出登录。"]


def test_signing_out_needs_a_post_and_says_goodbye(staff_client):
    assert staff_client.get(reverse("accounts:logout")).status_code == 405
    response = staff_client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert messages_of(response) == ["您已退出登录。"]
    assert staff_client.get(HOME).status_code == 302


def test_password_change_validates_and_keeps_the_user_signed_in(staff_client, staff_user, password):
    url = reverse("accounts:password_change")
    response = staff_client.post(
        url, {"old_password": password, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "密码太短，至少需要 10 个字符。" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.check_password(password)

    new = "a-much-Longer-passphrase-42"
    response = staff_client.post(
        url, {"old_password": password, "new_password1": new, "new_password2": new}, follow=True
    )
    assert response.redirect_chain == [(HOME, 302)]
    assert messages_of(response) == ["密码已修改。"]
    assert User.objects.get(pk=staff_user.pk).check_password(new)


def test_guessing_the_old_password_is_throttled_like_signing_in(staff_client, staff_user, password, settings):
    new = "a-much-Longer-passphrase-42"
    url = reverse("accounts:password_change")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        staff_client.post(url, {"old_password": "guess", "new_password1": new, "new_password2": new})
    response = staff_client.post(url, {"old_password": password, "new_password1": new, "new_password2": new})
    assert response.status_code == 429
    staff_user.refresh_from_db()
    assert staff_user.check_password(password)


def test_a_wrong_old_password_changes_nothing(staff_client, staff_user, password):
    new = "a-much-Longer-passphrase-42"
    response = staff_client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    staff_user.refresh_from_db()
    assert staff_user.check_password(password)
