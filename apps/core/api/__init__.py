API_PREFIX = "/api/"


def is_api_request(request) -> bool:
    """Requests under /api/ are answered in JSON, in the API's error format and Accept-Language."""
    return request.path_info.startswith(API_PREFIX)
