from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.core.permissions import login_required, parse_pk
from yakuba.org.models import Unit
from yakuba.search import selectors, text

KIND_LABELS = {
    "question": pgettext_lazy("search result kind", "質問"),
    "answer": pgettext_lazy("search result kind", "回答"),
    "article": pgettext_lazy("search result kind", "手順書"),
}


@login_required
def results(request: AuthenticatedHttpRequest) -> HttpResponse:
    """「検索」: every signed-in member of staff, over the documents they may see."""
    query = request.GET.get("q", "")[: text.MAX_QUERY_CHARS]
    tag = request.GET.get("tag", "")[:100]
    unit_pk = parse_pk(request.GET.get("unit"))
    unit = Unit.objects.filter(pk=unit_pk).first() if unit_pk else None
    page_no = parse_pk(request.GET.get("page")) or 1
    page = selectors.search(request.user, query, tag=tag, unit=unit, page=page_no)
    for result in page.results:
        result.kind_label = KIND_LABELS.get(result.document.kind, result.document.kind)

    def link(number: int) -> str:
        params = {"q": query, "tag": tag, "unit": unit.pk if unit else "", "page": number}
        return urlencode({k: v for k, v in params.items() if v})

    return render(
        request,
        "search/results.html",
        {
            "page": page,
            "query": query,
            "tag": tag,
            "unit": unit,
            "units": Unit.objects.filter(active=True).only("pk", "name", "path"),
            "searched": bool(query.strip()),
            "first_number": (page.page - 1) * page.per_page + 1,
            "previous_query": link(page.page - 1),
            "next_query": link(page.page + 1),
        },
    )
