"""Demo knowledge: 20 ICT helpers across 10 departments, ~300 questions with answers
(VPN, Zoom, printers, LGWAN telework, Excel, documents, security), 40 how-tos.

Deterministic (one seeded generator), dates relative to today, written with bulk inserts
so that it loads in a few seconds. Questions are generated from varied templates: a
situation, a symptom and a detail, so that titles and bodies read like real questions.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yakuba.accounts.roles import Role
from yakuba.demo import accounts
from yakuba.knowledge.crossing_selectors import department_code
from yakuba.knowledge.demo_text import HOWTO_TEMPLATES, SINCE, THANKS, TOPICS, WHERE, Topic
from yakuba.knowledge.models import (
    Answer,
    Article,
    ArticleVersion,
    Comment,
    Helper,
    Helpful,
    Question,
    QuestionStatus,
    SkillTag,
)
from yakuba.knowledge.services import helpers_per_question, rank_helpers
from yakuba.org.models import Staff, Unit, UnitKind
from yakuba.search import services as search_services

SEED = 16
QUESTIONS = 300
HOWTOS = 40


def _helpers_by_department(rng: random.Random) -> list[tuple[Staff, Unit]]:
    """Two people from each of 10 departments (people with an account first)."""
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, active=True).order_by("path"))
    chosen: list[tuple[Staff, Unit]] = []
    excluded = set(accounts.ROLE_USERNAMES) | {accounts.COLLEAGUE}
    staff = list(
        Staff.objects.filter(active=True).select_related("unit", "user").order_by("staff_number")
    )
    for dept in departments[:10]:
        members = [
            s
            for s in staff
            if s.unit.path.startswith(dept.path)
            and (s.user is None or s.user.username not in excluded)
        ]
        members.sort(key=lambda s: (s.user_id is None, s.staff_number))
        pool = members[:12]
        rng.shuffle(pool)
        chosen.extend((s, dept) for s in pool[:2])
    return chosen


def _demo_helper_account(tags: dict[str, SkillTag]) -> str:
    """Give a sign-in (accounts.HELPER) to the helper a VPN question of demo-staff's is sent
    to first in another department, so that the story can be walked: ask as demo-staff,
    answer as demo-helper. Returns the helper's unit name ("" when there is none)."""
    me = Staff.objects.filter(user__username=accounts.STAFF).select_related("unit").first()
    if me is None or "vpn" not in tags:
        return ""
    department = department_code(me.unit.path)
    told = rank_helpers([tags["vpn"].pk], me)[: helpers_per_question()]
    pick = next(
        (
            h
            for h in told
            if h.staff.user_id is None and department_code(h.staff.unit.path) != department
        ),
        None,
    )
    if pick is None:
        return ""
    user = get_user_model().objects.create_user(accounts.HELPER, role=Role.STAFF)
    user.set_password(accounts.DEMO_PASSWORD)
    user.save()
    pick.staff.user = user
    pick.staff.save(update_fields=["user"])
    return pick.staff.unit.name


def _fill(text: str, rng: random.Random) -> str:
    return text.format(where=rng.choice(WHERE), since=rng.choice(SINCE))


@transaction.atomic
def seed_knowledge_demo(today: dt.date | None = None) -> dict[str, Any]:
    rng = random.Random(SEED)
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(dt.datetime.combine(today, dt.time(12, 0)))
    )
    tags = {t.slug: t for t in SkillTag.objects.all()}
    infosec = (
        get_user_model().objects.filter(role=Role.INFOSEC, is_active=True).order_by("pk").first()
    )

    # --- helpers ---------------------------------------------------------------------
    helper_people = _helpers_by_department(rng)
    helpers: list[Helper] = []
    for i, (person, dept) in enumerate(helper_people):
        appointed = i % 2 == 0 and infosec is not None
        helpers.append(
            Helper(
                staff=person,
                availability=rng.choice(
                    (
                        "平日の午後",
                        "昼休み以外ならいつでも",
                        "火・木の午前",
                        "チャットでお気軽に",
                        "",
                    )
                ),
                extension=f"{2000 + i * 7}",
                appointed_by=infosec if appointed else None,
                department=dept if appointed else None,
            )
        )
    Helper.objects.bulk_create(helpers)
    helpers = list(Helper.objects.select_related("staff__unit").order_by("pk"))
    through = Helper.tags.through
    slugs = list(tags)
    links: list[Any] = []
    for i, helper in enumerate(helpers):
        mine = {slugs[i % len(slugs)], slugs[(i * 3 + 1) % len(slugs)]}
        if i % 3 == 0:
            mine.add("vpn")
        links.extend(through(helper_id=helper.pk, skilltag_id=tags[s].pk) for s in sorted(mine))
    through.objects.bulk_create(links)
    demo_helper = _demo_helper_account(tags)
    helper_tags: dict[int, set[str]] = {}
    for link in links:
        helper_tags.setdefault(link.helper_id, set()).add(
            next(s for s, t in tags.items() if t.pk == link.skilltag_id)
        )

    # --- questions, answers ----------------------------------------------------------
    askers = list(
        Staff.objects.filter(active=True)
        .exclude(pk__in=[h.staff_id for h in helpers])
        .select_related("unit")
    )
    askers.sort(key=lambda s: s.staff_number)
    questions: list[Question] = []
    plans: list[tuple[Topic, int, dt.datetime]] = []
    for n in range(QUESTIONS):
        topic = TOPICS[n % len(TOPICS)] if n % 5 else rng.choice(TOPICS)
        asker = rng.choice(askers)
        created = now - dt.timedelta(days=rng.uniform(0.2, 240), minutes=rng.randint(0, 600))
        title = _fill(rng.choice(topic.titles), rng)
        details = rng.sample(topic.details, k=min(len(topic.details), rng.randint(1, 3)))
        body = "\n\n".join(_fill(d, rng) for d in details) or title
        questions.append(
            Question(
                title=title[:150],
                body=body,
                asker=asker,
                anonymous=rng.random() < 0.08,
                created_at=created,
                updated_at=created,
            )
        )
        plans.append((topic, n, created))
    Question.objects.bulk_create(questions)
    qthrough = Question.tags.through
    qthrough.objects.bulk_create(
        qthrough(question_id=q.pk, skilltag_id=tags[topic.tag].pk)
        for q, (topic, _n, _c) in zip(questions, plans, strict=True)
    )
    answers: list[Answer] = []
    accepted_for: dict[int, int] = {}
    statuses: dict[int, str] = {}
    for q, (topic, _n, created) in zip(questions, plans, strict=True):
        fresh = (now - created).days < 3
        if fresh and rng.random() < 0.6:
            continue  # a few recent questions are still waiting for an answer
        matching = [h for h in helpers if topic.tag in helper_tags.get(h.pk, set())] or helpers
        outside = [
            h
            for h in matching
            if not (
                h.staff.unit.path.startswith(q.asker.unit.path)
                or q.asker.unit.path.startswith(h.staff.unit.path)
            )
        ] or matching
        count = 1 if rng.random() < 0.6 else 2
        for k in range(count):
            author = rng.choice(outside if k == 0 else matching)
            answers.append(
                Answer(
                    question=q,
                    author=author.staff,
                    body=rng.choice(topic.answers),
                    created_at=created + dt.timedelta(hours=rng.uniform(0.3, 30) * (k + 1)),
                )
            )
        if rng.random() < 0.7:
            accepted_for[q.pk] = len(answers) - count  # the first answer of this question
            statuses[q.pk] = QuestionStatus.ANSWERED
        elif rng.random() < 0.1:
            statuses[q.pk] = QuestionStatus.CLOSED
    for index in accepted_for.values():
        answers[index].accepted = True
        answers[index].accepted_at = answers[index].created_at + dt.timedelta(hours=2)
    Answer.objects.bulk_create(answers)
    for status in (QuestionStatus.ANSWERED, QuestionStatus.CLOSED):
        Question.objects.filter(pk__in=[pk for pk, s in statuses.items() if s == status]).update(
            status=status
        )
    # An old question nobody answered was escalated to the information division.
    for q, (_t, _n, created) in zip(questions, plans, strict=True):
        if q.pk not in statuses and (now - created).days > 10:
            Question.objects.filter(pk=q.pk).update(escalated_at=created + dt.timedelta(days=5))

    # 「役に立った」 and a few comments.
    helpful: list[Helpful] = []
    comments: list[Comment] = []
    for a in answers:
        for person in rng.sample(askers, k=rng.randint(0, 4)):
            helpful.append(
                Helpful(answer=a, staff=person, created_at=a.created_at + dt.timedelta(hours=3))
            )
        if a.accepted and rng.random() < 0.5:
            thanks = rng.choice(THANKS)
            if thanks:
                comments.append(
                    Comment(
                        answer=a,
                        author=a.question.asker,
                        body=thanks,
                        created_at=a.created_at + dt.timedelta(hours=1),
                    )
                )
    Helpful.objects.bulk_create(helpful, ignore_conflicts=True)
    Comment.objects.bulk_create(comments)

    # --- how-tos -------------------------------------------------------------------
    today_date = timezone.localdate(now)
    articles: list[Article] = []
    versions: list[tuple[int, str, str, Staff, str]] = []
    article_tags: list[str] = []
    owners = [h.staff for h in helpers]
    for i, (slug, tag, title, body) in enumerate(HOWTO_TEMPLATES):
        owner = owners[i % len(owners)]
        articles.append(
            Article(
                slug=slug,
                title=title,
                owner=owner,
                owner_unit=owner.unit,
                review_by=today_date + dt.timedelta(days=rng.randint(-20, 300)),
                created_at=now - dt.timedelta(days=200 - i),
                updated_at=now - dt.timedelta(days=rng.randint(1, 120)),
            )
        )
        versions.append((i, title, body, owner, "作成"))
        article_tags.append(tag)
    tag_of_question = {q.pk: t.tag for q, (t, _n, _c) in zip(questions, plans, strict=True)}
    accepted = [a for a in answers if a.accepted]
    rng.shuffle(accepted)
    used_titles: set[str] = set()
    for a in accepted:
        if len(articles) >= HOWTOS:
            break
        if a.question.title in used_titles:
            continue
        used_titles.add(a.question.title)
        topic_tag = tag_of_question[a.question_id]
        owner = a.author
        i = len(articles)
        articles.append(
            Article(
                slug=f"{topic_tag}-{a.question_id}",
                title=a.question.title,
                owner=owner,
                owner_unit=owner.unit,
                review_by=today_date + dt.timedelta(days=rng.randint(-10, 365)),
                from_answer=a,
                created_at=a.created_at,
                updated_at=a.created_at,
            )
        )
        body = f"{a.body}\n\n---\n\n元の質問：[{a.question.title}](/knowledge/q/{a.question_id}/)"
        versions.append((i, a.question.title, body, owner, "解決した回答から作成"))
        article_tags.append(topic_tag)
    Article.objects.bulk_create(articles)
    made_versions = ArticleVersion.objects.bulk_create(
        ArticleVersion(
            article=articles[i],
            number=1,
            title=t,
            body=b,
            author=o,
            note=note,
            created_at=articles[i].created_at,
        )
        for i, t, b, o, note in versions
    )
    # A second version for some, so that the history has something to show.
    seconds = ArticleVersion.objects.bulk_create(
        ArticleVersion(
            article=articles[i],
            number=2,
            title=articles[i].title,
            body=v.body + "\n\n（2版：問い合わせ先を追記）",
            author=articles[i].owner,
            note="問い合わせ先を追記",
            created_at=articles[i].updated_at,
        )
        for i, v in enumerate(made_versions)
        if i % 4 == 0
    )
    current = {v.article_id: v for v in made_versions}
    current.update({v.article_id: v for v in seconds})
    for article in articles:
        article.current = current[article.pk]
    Article.objects.bulk_update(articles, ["current"])
    athrough = Article.tags.through
    athrough.objects.bulk_create(
        athrough(article_id=a.pk, skilltag_id=tags[t].pk)
        for a, t in zip(articles, article_tags, strict=True)
    )
    # The demo is written in bulk (no services), so its search documents are made at once.
    indexed = search_services.rebuild(names=["knowledge.question", "knowledge.article"])
    return {
        "indexed": indexed.documents,
        "helpers": len(helpers),
        "departments": len({d.pk for _s, d in helper_people}),
        "demo_helper": demo_helper,
        "questions": len(questions),
        "answers": len(answers),
        "howtos": len(articles),
    }
