from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`; the page size is capped so that one request stays cheap."""

    page_size_query_param = "page_size"
    max_page_size = 200
