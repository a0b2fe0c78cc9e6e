"""GET services and GET a service definition: the active case categories, public, in both formats."""

import pytest

from apps.cases.categories import category_update

from .support import FORMATS, body, georeport, text, url, xml_of

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories_with_their_group(city, fmt):
    retired = city.categories[2]
    category_update(actor=None, category=retired, is_active=False)
    response = georeport().get(url("services", fmt))
    assert response.status_code == 200, response.content
    services = body(response, fmt)
    codes = [service["service_code"] for service in services]
    assert retired.code not in codes
    assert set(codes) == {c.code for c in city.categories if c.pk != retired.pk}
    child = next(service for service in services if service["service_code"] == city.categories[1].code)
    assert list(child) == SERVICE_FIELDS
    assert child["service_name"] == city.categories[1].name
    assert child["group"] == city.categories[0].name
    assert text(child["metadata"]) == "true"
    assert child["type"] == "realtime"
    assert city.categories[0].name in child["keywords"]
    root = next(service for service in services if service["service_code"] == city.categories[0].code)
    assert text(root["group"]) is None


def test_the_xml_names_the_elements_as_the_specification_does(city):
    root = xml_of(georeport().get(url("services", "xml")))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    assert [element.tag for element in root[0]] == SERVICE_FIELDS


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_offers_the_urgency_attribute(city, fmt):
    code = city.categories[1].code
    response = georeport().get(url(f"services/{code}", fmt))
    assert response.status_code == 200, response.content
    definition = body(response, fmt)
    assert definition["service_code"] == code
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "urgency"
    assert attribute["datatype"] == "singlevaluelist"
    assert text(attribute["variable"]) == "true"
    assert text(attribute["required"]) == "false"
    assert [value["key"] for value in attribute["values"]] == ["normal", "urgent", "emergency"]
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "service_definition"
        assert root.find("attributes/attribute/values/value/key").text == "normal"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_404_in_the_error_format(city, fmt):
    response = georeport().get(url("services/NOPE", fmt))
    assert response.status_code == 404
    (error,) = body(response, fmt)
    assert text(error["code"]) == "404"
    assert error["description"]
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "errors"
        assert [element.tag for element in root[0]] == ["code", "description"]


def test_other_suffixes_are_not_served(city):
    assert georeport().get("/open311/v2/services.html").status_code == 404
    assert georeport().get("/open311/v2/services").status_code == 404
