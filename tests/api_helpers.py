"""Helpers of the API tests: a token client per user, the error fields of a 400, pinned list costs."""

from rest_framework.test import APIClient

from apps.accounts.services import api_token_issue


def api_as(user) -> APIClient:
    """An API client authenticated with the user's token, asking for English messages. A token (not a
    forced user) loads the user, and so the user's scope, afresh on every request, as in production."""
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return api


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def fields_of(response) -> dict:
    """The per-field messages of a validation error."""
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "validation_error"
    return response.json()["error"]["fields"]


def assert_list_cost(django_assert_num_queries, api, url, queries: int, params: dict | None = None):
    """The list costs `queries` queries for a page of 5 and for a page of 50."""
    for size in (5, 50):
        with django_assert_num_queries(queries):
            response = api.get(url, {**(params or {}), "page_size": size})
        assert len(response.json()["results"]) == size
