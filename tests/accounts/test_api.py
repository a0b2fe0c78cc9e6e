"""The API shell through its first endpoints: tokens, the current user, the one error format."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db
TOKEN = reverse("api:auth-token")
ME = reverse("api:auth-me")


@pytest.fixture
def api():
    return APIClient()


def test_a_username_and_password_buy_a_token_that_authenticates(api, staff_user, password):
    response = api.post(TOKEN, {"username": "street", "password": password}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=staff_user).key == key

    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api.get(ME)
    assert me.status_code == 200
    assert me.json() == {
        "id": staff_user.pk,
        "display": "王晓明",
        "username": "street",
        "full_name": "王晓明",
        "email": "",
        "is_staff": False,
    }


def test_asking_twice_returns_the_same_token(api, staff_user, password):
    first = api.post(TOKEN, {"username": "street", "password": password}, format="json").json()
    second = api.post(TOKEN, {"username": "street", "password": password}, format="json").json()
    assert first == second
    assert Token.objects.count() == 1


def test_wrong_credentials_get_the_error_format_and_no_token(api, staff_user):
    response = api.post(TOKEN, {"username": "street", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "validation_error",
            "message": "提交的数据无效。",
            "fields": {"non_field_errors": ["用户名或密码不正确。"]},
        }
    }
    assert not Token.objects.exists()


def test_missing_fields_are_named(api):
    response = api.post(TOKEN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


def test_errors_follow_accept_language_in_the_api(api):
    response = api.post(TOKEN, {}, format="json", headers={"accept-language": "en"})
    assert response.json()["error"]["message"] == "The submitted data is not valid."


def test_repeated_failures_lock_out_the_api_too(api, staff_user, password, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api.post(TOKEN, {"username": "street", "password": "nope"}, format="json")
    response = api.post(TOKEN, {"username": "street", "password": password}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert not Token.objects.exists()


def test_without_credentials_the_api_answers_401_in_the_error_format(api):
    response = api.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_stops_working(api, staff_user, password):
    key = api.post(TOKEN, {"username": "street", "password": password}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(TOKEN).status_code == 204
    response = api.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_the_session_of_a_signed_in_person_works_for_the_api(staff_client):
    assert staff_client.get(ME).json()["username"] == "street"


def test_an_unknown_api_path_is_a_json_404(staff_client):
    response = staff_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_current_user_costs_a_fixed_number_of_queries(api, staff_user, django_assert_num_queries):
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=staff_user).key}")
    with django_assert_num_queries(1):  # the token with its user
        assert api.get(ME).status_code == 200


def test_the_schema_and_docs_need_a_signed_in_user(client):
    assert client.get(reverse("api-schema")).status_code == 401
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_schema_documents_the_api_and_the_docs_load_no_cdn(staff_client):
    client = staff_client
    schema = client.get(reverse("api-schema"), headers={"accept": "application/json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/auth/token/", "/api/v1/auth/me/"} <= set(paths)
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
