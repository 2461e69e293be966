from yakuba.search import text


def test_width_case_and_kana_variants_fold_to_one_form():
    assert text.fold("ＶＰＮ") == text.fold("ｖｐｎ") == text.fold("VPN") == "vpn"
    assert text.fold("ﾌﾟﾘﾝﾀｰ") == text.fold("プリンター") == text.fold("ぷりんた") == "ぷりんた"
    assert text.fold("Ｚｏｏｍ") == "zoom"


def test_two_character_words_index_their_bigram_and_every_character_leads_a_term():
    counts = text.term_counts("在宅 印刷")
    assert {"在宅", "宅", "印刷", "刷"} == set(counts)


def test_symbols_and_wildcards_are_separators_and_queries_are_bounded():
    assert text.parse_query("%_%  <>!?\\'\"") == []
    assert [t.word for t in text.parse_query("100%_OK")] == ["100", "ok"]
    long = text.parse_query("あ" * 10_000)
    assert len(long) == 1 and len(long[0].word) == text.MAX_TERM_CHARS
    assert len(text.parse_query(" ".join(f"w{i}" for i in range(100)))) == text.MAX_TERMS


def test_highlight_escapes_and_marks_the_original_text():
    html = text.highlight("<b>ﾌﾟﾘﾝﾀ</b>で印刷", text.parse_query("ぷりんた"))
    assert html == "&lt;b&gt;<mark>ﾌﾟﾘﾝﾀ</mark>&lt;/b&gt;で印刷"
    snippet = text.highlight(
        "前" * 300 + "在宅勤務" + "後" * 300, text.parse_query("在宅"), width=60
    )
    assert "<mark>在宅</mark>" in snippet and snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 100


def test_a_match_takes_its_dropped_long_vowel_marks_with_it():
    assert text.highlight("ルーターとﾙｰﾀｰ", text.parse_query("るーた")) == (
        "<mark>ルーター</mark>と<mark>ﾙｰﾀｰ</mark>"
    )
