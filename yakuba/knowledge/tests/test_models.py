import pytest
from django.db import IntegrityError, transaction

from yakuba.knowledge.models import Answer, Question, SkillTag
from yakuba.knowledge.tags import DEFAULT_TAGS


@pytest.mark.django_db
def test_the_managed_tag_list_is_seeded():
    assert list(SkillTag.objects.values_list("name", flat=True)) == [n for _, n in DEFAULT_TAGS]


def test_a_question_has_at_most_one_accepted_answer(org):
    asker = org["staff"]["1001"]
    question = Question.objects.create(title="VPNにつながらない", body="本文", asker=asker)
    Answer.objects.create(question=question, author=org["staff"]["2001"], body="a", accepted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(question=question, author=asker, body="b", accepted=True)
