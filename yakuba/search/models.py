"""The search index: one `SearchDocument` per thing a result can show, and its `Posting`s.

The index is kept by the application (see `yakuba.search` README section and `text`):
folded character bigrams of the title and the body, with their counts in each, so that a
query is one grouped lookup on an indexed column that behaves the same on SQLite and
PostgreSQL (no FTS5 or pg_trgm: both need three characters, and Japanese words are often
two — 在宅, 印刷, 共有).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    STAFF = "staff", _("職員全員")
    UNIT = "unit", _("所属（下位所属を含む）の職員")
    CAPABILITY = "capability", _("権限を持つ職員")


class SearchDocument(models.Model):
    """What a provider says about one result: shown as is (title, snippet of the body,
    tags, link), filtered by tag, unit and visibility, ranked with the boosts."""

    # Who made it: the provider's name and the id of the object it was made from (a
    # provider may make several documents of one object, e.g. a question and its answers).
    provider = models.CharField(max_length=50)
    source_id = models.BigIntegerField()
    # What a result is (shown as a label) and the id of what it links to.
    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    tags = models.JSONField(default=list, blank=True)
    # "|tag|tag|" with folded tags: the tag filter is one LIKE on either database.
    tag_key = models.TextField(default="", blank=True)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    capability = models.CharField(max_length=50, blank=True)
    accepted = models.BooleanField(default=False)
    fresh_on = models.DateField(null=True, blank=True)
    # The folded words of title and body (text.stored): a query word longer than two
    # characters is checked here after its bigrams matched.
    folded_title = models.TextField(default="", blank=True)
    folded_body = models.TextField(default="", blank=True)
    indexed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["provider", "source_id"], name="search_doc_source"),
            # What ranking and the visibility filter read of every matching document: the
            # join is answered from this narrow index (an index-only scan on PostgreSQL)
            # instead of the wide rows with their text.
            models.Index(
                fields=["id", "visibility", "accepted", "fresh_on", "unit", "capability"],
                name="search_doc_rank",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Posting(models.Model):
    """One index term (a folded bigram, or the last character of a word) of one document,
    with how often it occurs in the title and in the body. ``lead`` is the term's first
    character: a one-character query looks it up."""

    # Indexed below, with the counts, by (document, term).
    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    term = models.CharField(max_length=2)
    lead = models.CharField(max_length=1)
    title_count = models.PositiveSmallIntegerField(default=0)
    body_count = models.PositiveSmallIntegerField(default=0)

    # Each index carries the counts, so a query is answered from the index alone (SQLite
    # uses covering indexes by itself; PostgreSQL needs its visibility map current, which
    # `services.rebuild` and autovacuum keep): by term, by lead character, and by document
    # (when the planner starts from a few documents, and for deleting a document's postings).
    # Without the counts, the postings of a common term were read row by row from all over
    # the table: 170 ms for 会議 in 50,000 documents on PostgreSQL, 31 ms with them.
    class Meta:
        indexes = [
            models.Index(
                fields=["term", "document", "title_count", "body_count"],
                name="search_posting_term",
            ),
            models.Index(
                fields=["lead", "document", "title_count", "body_count"],
                name="search_posting_lead",
            ),
            models.Index(
                fields=["document", "term", "title_count", "body_count"],
                name="search_posting_doc",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}@{self.document_id}"
