"""Create forms create once (apps.core.submissions): the same form sent twice, one after the other or at
the same moment, creates one thing, and the second sender is led to it."""

import datetime

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from apps.core.forms import SubmitOnceForm
from apps.core.models import SpentKey
from apps.core.submissions import ALREADY, submit_once
from apps.councils.models import Meeting
from apps.councils.services import meeting_create
from tests.api_helpers import api_as
from tests.dispatch.support import city_per_module

city = city_per_module()

NEW_MEETING = reverse("councils:meeting_create")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _meeting_data(key: str, title: str = "小区停车难问题", community=None) -> dict:
    return {
        "area": community.pk,
        "kind": "party_masses",
        "title": title,
        "held_at": "2026-01-05T19:00",
        "participants": "王芳，居民代表",
        "submission_key": key,
    }


@pytest.mark.django_db
def test_a_meeting_form_sent_twice_records_one_meeting(city, as_user):
    client = as_user(city.users["community"])
    blank = client.get(NEW_MEETING)
    key = blank.context["form"]["submission_key"].value()
    assert len(key) == 32
    assert f'name="submission_key" value="{key}"' in blank.content.decode()
    data = _meeting_data(key, community=city.communities[0])

    first = client.post(NEW_MEETING, data)
    again = client.post(NEW_MEETING, data, follow=True)

    meetings = Meeting.objects.filter(title="小区停车难问题")
    assert meetings.count() == 1
    assert first.status_code == 302
    assert first.url == reverse("councils:meeting_detail", args=[meetings.get().pk])
    assert again.redirect_chain == [(first.url, 302)]
    assert str(ALREADY) in [str(message) for message in get_messages(again.wsgi_request)]


@pytest.mark.django_db
def test_every_blank_form_has_a_new_key_and_each_key_creates_once(city, as_user):
    client = as_user(city.users["community"])
    keys = [client.get(NEW_MEETING).context["form"]["submission_key"].value() for _ in range(2)]
    assert keys[0] != keys[1]
    for key in keys:
        assert (
            client.post(NEW_MEETING, _meeting_data(key, "两次会议", city.communities[0])).status_code == 302
        )
    assert Meeting.objects.filter(title="两次会议").count() == 2


@pytest.mark.django_db
def test_a_form_sent_without_a_key_is_not_guarded(city, as_user):
    client = as_user(city.users["community"])
    data = _meeting_data("", "无钥匙", city.communities[0])
    for _ in range(2):
        assert client.post(NEW_MEETING, data).status_code == 302
    assert Meeting.objects.filter(title="无钥匙").count() == 2
    assert not SpentKey.objects.filter(user=city.users["community"]).exists()


@pytest.mark.django_db
def test_a_form_brought_back_and_filled_in_anew_creates_again(city, as_user):
    """The browser's Back button brings the sent form back with its key: sent with other input, it is a
    new meeting, not a resend."""
    client = as_user(city.users["community"])
    key = client.get(NEW_MEETING).context["form"]["submission_key"].value()
    assert client.post(NEW_MEETING, _meeting_data(key, "第一次", city.communities[0])).status_code == 302
    again = client.post(NEW_MEETING, _meeting_data(key, "第二次", city.communities[0]))
    assert again.url == reverse("councils:meeting_detail", args=[Meeting.objects.get(title="第二次").pk])
    assert Meeting.objects.filter(title="第一次").count() == 1
    # That second form is guarded in turn: sent twice, it made one meeting.
    assert client.post(NEW_MEETING, _meeting_data(key, "第二次", city.communities[0])).url == again.url
    assert Meeting.objects.filter(title="第二次").count() == 1


CREATE_PAGES = [
    ("councils:meeting_create", None),
    ("cobuilding:agreement_create", None),
    ("cobuilding:round_create", None),
    ("projects:create", None),
    ("residents:new", None),
    ("party:partner_unit_create", None),
    ("party:registration_create", None),
    ("wishes:create", None),
    ("departments:create", None),
    ("areas:create_child", "street"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "argument"), CREATE_PAGES)
def test_every_create_page_sends_its_key(city, as_user, superuser, name, argument):
    args = [city.streets[0].pk] if argument == "street" else []
    page = as_user(superuser).get(reverse(name, args=args))
    assert page.status_code == 200
    key = page.context["form"]["submission_key"].value()
    assert f'name="submission_key" value="{key}"' in page.content.decode()


@pytest.mark.django_db
def test_another_user_sending_the_same_key_is_not_taken_for_a_resend(city, as_user):
    data = _meeting_data("shared-key", "同钥匙", city.communities[0])
    assert as_user(city.users["community"]).post(NEW_MEETING, data).status_code == 302
    assert as_user(city.users["party"]).post(NEW_MEETING, data).status_code == 302
    assert Meeting.objects.filter(title="同钥匙").count() == 2


class NoteForm(SubmitOnceForm):
    title = forms.CharField()


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    SessionMiddleware(lambda _request: None).process_request(request)
    MessageMiddleware(lambda _request: None).process_request(request)
    return request


def _form(key: str, title: str = "议事") -> NoteForm:
    form = NoteForm({"title": title, "submission_key": key})
    assert form.is_valid()
    return form


def _record(city, title):
    return meeting_create(
        actor=city.users["community"],
        area=city.communities[0],
        kind="residents",
        title=title,
        held_at=timezone.now() - datetime.timedelta(days=1),
        participants=[{"name": "王芳", "role": ""}],
    )


@pytest.mark.django_db
def test_the_key_stays_out_of_the_data_the_service_gets(city):
    seen = []
    answer = submit_once(
        _request(city.users["community"]),
        _form("k-data"),
        lambda data: seen.append(dict(data)) or _record(city, data["title"]),
        to="/done/",
        success="ok",
    )
    assert answer.url == "/done/"
    assert seen == [{"title": "议事"}]


@pytest.mark.django_db
def test_a_refused_form_spends_nothing_and_can_be_sent_again(city):
    user = city.users["community"]

    def refuse(data):
        _record(city, "被拒绝")  # written, then undone with the refusal
        raise ValidationError({"title": "换一个标题"})

    form = _form("k-refused")
    assert submit_once(_request(user), form, refuse, to="/x/", success="ok") is None
    assert form.errors["title"] == ["换一个标题"]
    assert not SpentKey.objects.filter(user=user, key="k-refused").exists()
    assert not Meeting.objects.filter(title="被拒绝").exists()

    answer = submit_once(
        _request(user),
        _form("k-refused", "改过的"),
        lambda data: _record(city, data["title"]),
        to=lambda meeting: f"/meetings/{meeting.pk}/",
        success=lambda meeting: meeting.title,
    )
    meeting = Meeting.objects.get(title="改过的")
    assert answer.url == f"/meetings/{meeting.pk}/"
    assert SpentKey.objects.get(user=user, key="k-refused").url == answer.url


@pytest.mark.django_db
def test_a_users_keys_older_than_a_day_are_forgotten(city, django_capture_on_commit_callbacks):
    user, other = city.users["community"], city.users["party"]
    old = timezone.now() - datetime.timedelta(days=2)
    SpentKey.objects.create(user=user, key="old", url="/a/", created_at=old)
    SpentKey.objects.create(user=user, key="recent", url="/b/")
    SpentKey.objects.create(user=other, key="old", url="/c/", created_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        submit_once(_request(user), _form("new"), lambda _data: _record(city, "新"), to="/d/", success="ok")
    assert set(SpentKey.objects.filter(user=user).values_list("key", flat=True)) == {"recent", "new"}
    assert SpentKey.objects.filter(user=other, key="old").exists()


# The API: the Idempotency-Key of every create without a key of its own.

MEETINGS_API = "/api/v1/party/meetings/"


def _meeting_body(city, title="加装电梯意见征集") -> dict:
    return {
        "area": city.communities[0].pk,
        "kind": "residents",
        "title": title,
        "held_at": "2026-01-05T19:00:00+08:00",
        "participants": [{"name": "王芳", "role": "居民代表"}],
    }


@pytest.mark.django_db
def test_an_api_create_retried_with_its_key_creates_once_and_answers_the_same(city):
    api = api_as(city.users["community"])
    first = api.post(MEETINGS_API, _meeting_body(city), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post(MEETINGS_API, _meeting_body(city), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Meeting.objects.filter(title="加装电梯意见征集").count() == 1
    # A new key is a new meeting; no key is not guarded.
    assert (
        api.post(MEETINGS_API, _meeting_body(city), format="json", HTTP_IDEMPOTENCY_KEY="retry-2").status_code
        == 201
    )
    assert api.post(MEETINGS_API, _meeting_body(city), format="json").status_code == 201
    assert Meeting.objects.filter(title="加装电梯意见征集").count() == 3


@pytest.mark.django_db
def test_an_action_that_creates_answers_once_as_well(city):
    api = api_as(city.users["community"])
    meeting = api.post(MEETINGS_API, _meeting_body(city, "议题会"), format="json").json()
    topics = f"{MEETINGS_API}{meeting['id']}/topics/"
    answers = [
        api.post(topics, {"title": "费用分摊"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1") for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Meeting.objects.get(pk=meeting["id"]).topics.count() == 1


@pytest.mark.django_db
def test_a_key_sent_to_another_endpoint_is_refused_and_writes_nothing(city):
    api = api_as(city.users["community"])
    assert (
        api.post(MEETINGS_API, _meeting_body(city), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code
        == 201
    )
    meeting = Meeting.objects.get(title="加装电梯意见征集")
    topics = f"{MEETINGS_API}{meeting.pk}/topics/"
    refused = api.post(topics, {"title": "费用分摊"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "idempotency_key_reused"
    assert meeting.topics.count() == 0


@pytest.mark.django_db
def test_a_refused_api_create_spends_nothing(city):
    api = api_as(city.users["community"])
    bad = {**_meeting_body(city, "先错后对"), "participants": []}
    assert api.post(MEETINGS_API, bad, format="json", HTTP_IDEMPOTENCY_KEY="fix-me").status_code == 400
    assert not SpentKey.objects.filter(key="fix-me").exists()
    good = api.post(
        MEETINGS_API, _meeting_body(city, "先错后对"), format="json", HTTP_IDEMPOTENCY_KEY="fix-me"
    )
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good.headers


@pytest.mark.django_db
def test_a_key_longer_than_64_characters_is_a_400_that_writes_nothing(city):
    api = api_as(city.users["community"])
    answer = api.post(
        MEETINGS_API, _meeting_body(city, "长钥匙"), format="json", HTTP_IDEMPOTENCY_KEY="k" * 65
    )
    assert answer.status_code == 400
    assert "idempotency_key" in answer.json()["error"]["fields"]
    assert not Meeting.objects.filter(title="长钥匙").exists()


def test_the_schema_documents_the_key_and_the_422_of_every_create_that_answers_once():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]

    def keyed(operation):
        return [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]

    for path in (
        MEETINGS_API,
        "/api/v1/party/meetings/{id}/topics/",
        "/api/v1/party/projects/",
        "/api/v1/households/",
    ):
        operation = paths[path]["post"]
        assert len(keyed(operation)) == 1, path
        assert "422" in operation["responses"], path
    # Cases keep the key in their rows: the header once, and no 422.
    cases = paths["/api/v1/cases/"]["post"]
    assert len(keyed(cases)) == 1
    assert "422" not in cases["responses"]
    # Reads take no key.
    assert not keyed(paths[MEETINGS_API]["get"])


@pytest.mark.django_db
def test_a_replayed_create_carries_the_first_answers_location(city, superuser):
    api = api_as(superuser)
    body = {"parent": city.streets[0].pk, "name": "新建社区", "code": f"{city.streets[0].code}901"}
    first = api.post("/api/v1/areas/", body, format="json", HTTP_IDEMPOTENCY_KEY="area-1")
    again = api.post("/api/v1/areas/", body, format="json", HTTP_IDEMPOTENCY_KEY="area-1")
    assert (first.status_code, again.status_code) == (201, 201), first.json()
    assert first["Location"] == again["Location"] == first.json()["url"]
    assert again.json() == first.json()


@pytest.mark.django_db
def test_the_same_key_with_other_input_is_refused(city):
    api = api_as(city.users["community"])
    assert (
        api.post(MEETINGS_API, _meeting_body(city), format="json", HTTP_IDEMPOTENCY_KEY="m").status_code
        == 201
    )
    other = api.post(MEETINGS_API, _meeting_body(city, "另一次会议"), format="json", HTTP_IDEMPOTENCY_KEY="m")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not Meeting.objects.filter(title="另一次会议").exists()


@pytest.mark.django_db
def test_an_error_answered_without_raising_spends_nothing(city):
    from rest_framework.parsers import JSONParser
    from rest_framework.request import Request
    from rest_framework.response import Response

    from apps.core.submissions import answered_once

    @answered_once
    def refuse(view, request):
        _record(city, "写了又撤销")
        return Response({"error": "no"}, status=409)

    raw = RequestFactory().post(
        "/api/v1/anything/", "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-409"
    )
    request = Request(raw, parsers=[JSONParser()])
    request.user = city.users["community"]
    assert refuse(None, request).status_code == 409
    assert not SpentKey.objects.filter(key="k-409").exists()
    assert not Meeting.objects.filter(title="写了又撤销").exists()
