"""Grouping Japanese free-text answers (core.textgroups) on fixed answers."""

from yakuba.core.textgroups import content_words, fold, group_answers, stopwords

ANSWERS = [
    ("a1", "VPNが遅いです。"),
    ("a2", "ＶＰＮにつながらないことがあります"),
    ("a3", "vpnの接続が途中で切れる"),
    ("a4", "VPN回線が遅くて仕事になりません"),
    ("b1", "子どもの送迎があるので助かりました"),
    ("b2", "子供の世話をしながら働けた"),
    ("b3", "子供が熱を出した時に在宅で対応できた"),
    ("c1", "Web会議の音声が途切れる"),
    ("c2", "ウェブ会議で音が途切れます"),
    ("c3", "ウェブ会議は移動がなくて便利です"),
    ("d1", "紙の書類の決裁のために出勤した"),
    ("d2", "紙の書類が多いです"),
    ("x1", "特にありません"),
    ("x2", ""),
    ("x3", "通勤時間がなくなった"),
]


def _by_first_word():
    return {g.words[0] if g.words else "その他": g for g in group_answers(ANSWERS, min_size=2)}


def test_answers_about_the_same_thing_are_grouped_whatever_the_spelling() -> None:
    groups = _by_first_word()
    assert groups["VPN"].keys == ("a1", "a2", "a3", "a4")  # VPN, ＶＰＮ and vpn together
    assert groups["子供"].keys == ("b1", "b2", "b3")  # 子ども and 子供 are one word
    assert groups["ウェブ会議"].keys == ("c1", "c2", "c3")  # Web会議 and ウェブ会議 too
    assert set(groups["書類"].keys) == {"d1", "d2"}
    # The words the group's answers share beside the leading one, as written.
    assert "遅い" in groups["VPN"].words
    assert "途切れる" in groups["ウェブ会議"].words


def test_what_fits_no_group_is_other_and_blank_answers_are_left_out() -> None:
    groups = group_answers(ANSWERS, min_size=2)
    assert groups[-1].other and groups[-1].keys == ("x1", "x3")
    assert groups[-1].label == ""
    assert all("x2" not in g.keys for g in groups)
    counts = [g.count for g in groups if not g.other]
    assert counts == sorted(counts, reverse=True)


def test_grammar_words_are_never_labels() -> None:
    words = {w for g in group_answers(ANSWERS * 3, min_size=1, max_groups=50) for w in g.words}
    for grammar in ("です", "ます", "する", "ある", "なる", "いる", "こと", "ない", "の", "が"):
        assert grammar not in words
    assert [w.shown for w in content_words("特にありません。です。ます。することがある")] == []
    assert "です" in stopwords() and fold("ＶＰＮ") == "vpn"


def test_verbs_are_labelled_by_their_dictionary_form() -> None:
    words = [w.shown for w in content_words("ＶＰＮにつながらない")]
    assert words == ["VPN", "つながる"]


def test_a_word_in_most_answers_says_nothing_and_is_not_a_group() -> None:
    topics = ["VPNが遅い", "VPNが切れる", "VPNが不安定", "子供の世話", "子供の送迎", "通勤がない"]
    items = [(i, f"テレワークで{topic}") for i, topic in enumerate(topics * 4)]
    labels = [g.words[0] for g in group_answers(items, min_size=2) if not g.other]
    assert "テレワーク" not in labels and labels == ["VPN", "子供", "通勤"]


def test_limits_and_determinism() -> None:
    first = group_answers(ANSWERS, max_groups=2, min_size=2)
    assert [g.words[0] for g in first if not g.other] == ["VPN", "ウェブ会議"]
    assert first[-1].other and "b1" in first[-1].keys
    assert group_answers(list(reversed(ANSWERS)), max_groups=2, min_size=2)[0].words[0] == "VPN"
    assert group_answers(ANSWERS, max_groups=2, min_size=2) == first
    assert group_answers([], min_size=2) == []
    assert group_answers(ANSWERS, min_size=5) == [
        g for g in group_answers(ANSWERS, min_size=5) if g.other
    ]
