//! Behaviour tests of the portal search: compound legal terms, filters, withdrawals, reopening.

use liuhen_search::index::{IndexedItem, SearchIndex};
use liuhen_search::query::{MAX_LIMIT, MAX_OFFSET, SearchRequest, SortOrder};
use proptest::prelude::*;
use time::macros::{date, datetime};

/// A small corpus with the shapes that broke jieba-only search: statute names inside 《》,
/// body names, masked party names and doc numbers with 〔〕.
fn corpus() -> Vec<IndexedItem> {
    let base = IndexedItem {
        id: String::new(),
        body_id: "xc-scjg".into(),
        body_name: "枣庄市薛城区市场监督管理局".into(),
        kind: "penalty".into(),
        title: String::new(),
        party_name: String::new(),
        summary: String::new(),
        doc_number: String::new(),
        decided_on: date!(2024 - 03 - 05),
        published_at: datetime!(2024-03-08 09:00 +08:00),
        url: String::new(),
    };
    vec![
        IndexedItem {
            id: "p1".into(),
            title: "枣庄市某某食品有限公司行政处罚决定".into(),
            party_name: "枣庄市某某食品有限公司".into(),
            summary: "当事人销售超过保质期的食品，违反《中华人民共和国食品安全法》第三十四条，依据《中华人民共和国行政处罚法》第二十八条，罚款人民币伍仟元。".into(),
            doc_number: "薛市监罚〔2024〕12号".into(),
            url: "/items/p1".into(),
            ..base.clone()
        },
        IndexedItem {
            id: "p2".into(),
            body_id: "xc-yjj".into(),
            body_name: "枣庄市薛城区应急管理局".into(),
            title: "山东鲁南化工机械厂安全生产行政处罚决定".into(),
            party_name: "山东鲁南化工机械厂".into(),
            summary: "未按规定对从业人员进行安全生产教育和培训，违反《中华人民共和国安全生产法》第二十八条。统一社会信用代码91370403MA3C1234XY。".into(),
            doc_number: "薛应急罚〔2024〕7号".into(),
            decided_on: date!(2024 - 06 - 20),
            published_at: datetime!(2024-06-24 10:00 +08:00),
            url: "/items/p2".into(),
            ..base.clone()
        },
        IndexedItem {
            id: "l1".into(),
            kind: "licensing".into(),
            title: "食品经营许可证核发".into(),
            party_name: "张某某".into(),
            summary: "准予食品经营许可，经营项目：预包装食品销售。".into(),
            doc_number: "薛市监许〔2023〕88号".into(),
            decided_on: date!(2023 - 11 - 02),
            published_at: datetime!(2023-11-03 15:30 +08:00),
            url: "/items/l1".into(),
            ..base.clone()
        },
        IndexedItem {
            id: "i1".into(),
            kind: "inspection".into(),
            title: "2024年第二季度双随机抽查结果".into(),
            party_name: "薛城区某超市".into(),
            summary: "抽查事项：食品销售者落实食品安全主体责任情况。结果：未发现问题。".into(),
            doc_number: String::new(),
            decided_on: date!(2024 - 07 - 01),
            published_at: datetime!(2024-07-02 08:00 +08:00),
            url: "/items/i1".into(),
            ..base
        },
    ]
}

fn index_with(items: &[IndexedItem]) -> SearchIndex {
    let index = SearchIndex::create_in_ram().expect("in-memory index opens");
    for item in items {
        index.upsert(item).expect("valid test item");
    }
    index.commit().expect("in-memory commit");
    index
}

fn ids(index: &SearchIndex, request: &SearchRequest) -> Vec<String> {
    let results = index.search(request).expect("search on a healthy index");
    let mut ids: Vec<String> = results.hits.into_iter().map(|hit| hit.item.id).collect();
    ids.sort();
    ids
}

/// Search `text` over the corpus and compare the set of ids found.
fn check(text: &str, expect: &[&str]) {
    let index = index_with(&corpus());
    let got = ids(
        &index,
        &SearchRequest {
            text: text.into(),
            ..Default::default()
        },
    );
    let mut want: Vec<String> = expect.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "query {text:?}");
}

// --- compound legal terms (DESIGN.md "Stack" pitfall) ---

#[test]
fn xingzheng_chufa_finds_items_citing_xingzheng_chufa_fa() {
    check("行政处罚", &["p1", "p2"]);
}

#[test]
fn chufa_alone_finds_every_penalty() {
    check("处罚", &["p1", "p2"]);
}

#[test]
fn shichang_jiandu_finds_the_body_name_shichang_jiandu_guanliju() {
    check("市场监督", &["p1", "l1", "i1"]);
}

#[test]
fn anquan_shengchan_finds_anquan_shengchan_fa() {
    check("安全生产", &["p2"]);
}

#[test]
fn shipin_anquan_finds_shipin_anquan_fa_and_shipin_anquan_zhuti_zeren() {
    check("食品安全", &["p1", "i1"]);
}

#[test]
fn full_statute_name_in_book_title_marks_is_found() {
    check("《中华人民共和国安全生产法》", &["p2"]);
}

// --- parties ---

#[test]
fn full_party_name_is_found() {
    check("山东鲁南化工机械厂", &["p2"]);
}

#[test]
fn two_character_party_fragment_is_found() {
    check("鲁南", &["p2"]);
}

#[test]
fn masked_individual_name_is_found() {
    check("张某某", &["l1"]);
}

#[test]
fn one_character_query_matches_unigrams() {
    check("张", &["l1"]);
}

// --- doc numbers and codes ---

#[test]
fn doc_number_is_found_exactly() {
    let index = index_with(&corpus());
    let results = index
        .search(&SearchRequest {
            text: "薛市监罚〔2024〕12号".into(),
            ..Default::default()
        })
        .expect("search");
    assert_eq!(
        results.hits.first().map(|hit| hit.item.id.as_str()),
        Some("p1")
    );
    assert_eq!(results.total, 1);
}

#[test]
fn doc_number_with_ascii_brackets_and_full_width_digits_is_found() {
    check("薛市监罚[２０２４]12号", &["p1"]);
}

#[test]
fn doc_number_digits_alone_are_found() {
    check("12号", &["p1"]);
    check("88", &["l1"]);
}

#[test]
fn credit_code_is_found_case_insensitively() {
    check("91370403ma3c1234xy", &["p2"]);
}

// --- text shapes ---

#[test]
fn chinese_punctuation_and_spaces_between_terms_mean_and() {
    check("食品，罚款", &["p1"]);
    check("食品　安全生产", &[]);
}

#[test]
fn query_text_absent_from_corpus_finds_nothing() {
    check("环境污染", &[]);
}

#[test]
fn long_sentence_query_is_cut_into_required_words() {
    check("销售超过保质期食品被罚款", &["p1"]);
}

#[test]
fn query_syntax_characters_are_plain_text() {
    check("处罚 AND title:\"x\" OR (", &[]);
    check("\"处罚\"", &["p1", "p2"]);
}

// --- empty query, sorting, paging ---

#[test]
fn empty_query_lists_latest_published_first() {
    let index = index_with(&corpus());
    let results = index.search(&SearchRequest::default()).expect("search");
    let order: Vec<&str> = results
        .hits
        .iter()
        .map(|hit| hit.item.id.as_str())
        .collect();
    assert_eq!(order, ["i1", "p2", "p1", "l1"]);
    assert_eq!(results.total, 4);
}

#[test]
fn punctuation_only_query_is_an_empty_query() {
    let index = index_with(&corpus());
    let results = index
        .search(&SearchRequest {
            text: "。，《》".into(),
            ..Default::default()
        })
        .expect("search");
    assert_eq!(results.total, 4);
}

#[test]
fn sort_by_decision_date_orders_newest_decision_first() {
    let index = index_with(&corpus());
    let request = SearchRequest {
        text: "食品".into(),
        sort: SortOrder::NewestDecided,
        ..Default::default()
    };
    let results = index.search(&request).expect("search");
    let order: Vec<&str> = results
        .hits
        .iter()
        .map(|hit| hit.item.id.as_str())
        .collect();
    assert_eq!(order, ["i1", "p1", "l1"]);
}

#[test]
fn paging_is_clamped_and_pages_do_not_overlap() {
    let index = index_with(&corpus());
    let page = |offset, limit| {
        index
            .search(&SearchRequest {
                offset,
                limit,
                ..Default::default()
            })
            .expect("search")
    };
    let first = page(0, 2);
    let second = page(2, 2);
    assert_eq!(first.hits.len(), 2);
    assert_eq!(second.hits.len(), 2);
    assert!(
        first
            .hits
            .iter()
            .all(|a| second.hits.iter().all(|b| a.item.id != b.item.id))
    );
    let huge = page(usize::MAX, usize::MAX);
    assert_eq!((huge.offset, huge.limit), (MAX_OFFSET, MAX_LIMIT));
    assert!(huge.hits.is_empty());
}

#[test]
fn overlong_query_is_truncated_and_reported() {
    let index = index_with(&corpus());
    let text = "处罚".repeat(80);
    let results = index
        .search(&SearchRequest {
            text,
            ..Default::default()
        })
        .expect("search");
    assert!(results.truncated);
    assert_eq!(results.query.chars().count(), 100);
}

// --- filters ---

fn check_filtered(request: SearchRequest, expect: &[&str]) {
    let index = index_with(&corpus());
    let mut want: Vec<String> = expect.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(ids(&index, &request), want, "{request:?}");
}

#[test]
fn body_filter_keeps_only_that_body() {
    check_filtered(
        SearchRequest {
            text: "处罚".into(),
            body_id: Some("xc-yjj".into()),
            ..Default::default()
        },
        &["p2"],
    );
}

#[test]
fn kind_filter_keeps_only_that_kind() {
    check_filtered(
        SearchRequest {
            kind: Some("licensing".into()),
            ..Default::default()
        },
        &["l1"],
    );
    check_filtered(
        SearchRequest {
            text: "食品".into(),
            kind: Some("penalty".into()),
            ..Default::default()
        },
        &["p1"],
    );
}

#[test]
fn date_range_is_inclusive_on_both_ends() {
    let range = |from, to| SearchRequest {
        decided_from: from,
        decided_to: to,
        ..Default::default()
    };
    check_filtered(
        range(Some(date!(2024 - 03 - 05)), Some(date!(2024 - 06 - 20))),
        &["p1", "p2"],
    );
    check_filtered(
        range(Some(date!(2024 - 01 - 01)), None),
        &["p1", "p2", "i1"],
    );
    check_filtered(range(None, Some(date!(2023 - 12 - 31))), &["l1"]);
}

#[test]
fn inverted_date_range_finds_nothing() {
    check_filtered(
        SearchRequest {
            decided_from: Some(date!(2024 - 12 - 31)),
            decided_to: Some(date!(2024 - 01 - 01)),
            ..Default::default()
        },
        &[],
    );
}

#[test]
fn party_filter_matches_a_fragment_of_the_party_name_only() {
    check_filtered(
        SearchRequest {
            party: Some("某某食品".into()),
            ..Default::default()
        },
        &["p1"],
    );
    // 食品 occurs in l1's title and summary but not in its party name.
    check_filtered(
        SearchRequest {
            party: Some("食品".into()),
            ..Default::default()
        },
        &["p1"],
    );
    check_filtered(
        SearchRequest {
            party: Some("，".into()),
            ..Default::default()
        },
        &[],
    );
}

// --- lifecycle ---

#[test]
fn withdrawn_item_is_no_longer_found_d14() {
    let index = index_with(&corpus());
    index.remove("p1").expect("remove");
    index.commit().expect("commit");
    check_ids(&index, "行政处罚", &["p2"]);
    assert_eq!(index.get("p1").expect("get"), None);
    assert_eq!(index.num_items(), 3);
}

#[test]
fn upsert_replaces_the_earlier_version_d13() {
    let index = index_with(&corpus());
    let mut corrected = corpus().remove(0);
    corrected.title = "枣庄市某某食品有限公司行政处罚决定（更正）".into();
    corrected.summary = "罚款人民币叁仟元。".into();
    index.upsert(&corrected).expect("upsert");
    index.commit().expect("commit");
    assert_eq!(index.num_items(), 4);
    check_ids(&index, "伍仟元", &[]);
    check_ids(&index, "叁仟元", &["p1"]);
    assert_eq!(index.get("p1").expect("get"), Some(corrected));
}

fn check_ids(index: &SearchIndex, text: &str, expect: &[&str]) {
    let got = ids(
        index,
        &SearchRequest {
            text: text.into(),
            ..Default::default()
        },
    );
    assert_eq!(
        got,
        expect.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        "query {text:?}"
    );
}

#[test]
fn index_reopened_from_disk_keeps_items_and_exact_times() {
    let folder = tempfile::tempdir().expect("temp dir");
    {
        let index = SearchIndex::open_in_dir(folder.path()).expect("create");
        for item in corpus() {
            index.upsert(&item).expect("upsert");
        }
        index.commit().expect("commit");
    }
    let index = SearchIndex::open_in_dir(folder.path()).expect("reopen");
    assert_eq!(index.num_items(), 4);
    check_ids(&index, "安全生产", &["p2"]);
    assert_eq!(index.get("p2").expect("get"), Some(corpus().remove(1)));
}

#[test]
fn uncommitted_changes_are_invisible() {
    let index = SearchIndex::create_in_ram().expect("open");
    index.upsert(&corpus().remove(0)).expect("upsert");
    assert_eq!(index.num_items(), 0);
}

#[test]
fn invalid_items_are_refused() {
    let index = SearchIndex::create_in_ram().expect("open");
    let mut item = corpus().remove(0);
    item.id.clear();
    assert!(matches!(
        index.upsert(&item),
        Err(liuhen_search::error::SearchError::InvalidItem { field: "id", .. })
    ));
}

// --- capped counting (1M items: a common term must not be counted to the end) ---

/// `n` penalty items all citing 行政处罚法, spread over segments (one commit per ten items),
/// with one withdrawn (deleted documents must not be counted).
fn many_penalties(n: usize) -> SearchIndex {
    let base = corpus().remove(0);
    let index = SearchIndex::create_in_ram().expect("in-memory index opens");
    for i in 0..n {
        let mut item = base.clone();
        item.id = format!("m{i}");
        item.doc_number = format!("薛市监罚〔2024〕{}号", 100 + i);
        index.upsert(&item).expect("valid item");
        if i % 10 == 9 {
            index.commit().expect("commit");
        }
    }
    index.remove("m0").expect("remove");
    index.commit().expect("commit");
    index
}

fn check_count(index: &SearchIndex, text: &str, count_limit: usize, expect: (usize, bool)) {
    let results = index
        .search(&SearchRequest {
            text: text.into(),
            count_limit,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(
        (results.total, results.total_capped),
        expect,
        "{text:?} with limit {count_limit}"
    );
    if !results.total_capped {
        assert_eq!(results.hits.len(), results.total.min(results.limit));
    } else {
        assert_eq!(
            results.hits.len(),
            results.limit,
            "a full page whatever the count"
        );
    }
}

#[test]
fn count_is_exact_up_to_the_limit_and_capped_beyond_it() {
    let index = many_penalties(35);
    // 34 live items match (one withdrawn).
    check_count(&index, "行政处罚", 0, (34, false));
    check_count(&index, "行政处罚", 34, (34, false));
    check_count(&index, "行政处罚", 33, (33, true));
    check_count(&index, "行政处罚", 5, (5, true));
    check_count(&index, "", 5, (5, true));
    check_count(&index, "处罚", 1, (1, true));
    // A rare term is exact under a small limit.
    check_count(&index, "薛市监罚〔2024〕107号", 5, (1, false));
}

#[test]
fn capped_results_still_rank_and_page_by_relevance() {
    let index = many_penalties(35);
    let mut seen = std::collections::BTreeSet::new();
    for page in 0..2 {
        let results = index
            .search(&SearchRequest {
                text: "行政处罚".into(),
                count_limit: 10,
                offset: page * 20,
                ..Default::default()
            })
            .expect("search");
        assert!(results.total_capped);
        assert!(results.hits.iter().all(|hit| hit.score.is_some()));
        for hit in results.hits {
            assert!(seen.insert(hit.item.id), "pages do not overlap");
        }
    }
    assert_eq!(seen.len(), 34, "every match can still be paged to");
}

#[test]
fn commit_payload_survives_reopening_and_clear_empties_the_index() {
    let folder = tempfile::tempdir().expect("temp dir");
    {
        let index = SearchIndex::open_in_dir(folder.path()).expect("create");
        assert_eq!(index.payload().expect("payload"), None);
        for item in corpus() {
            index.upsert(&item).expect("upsert");
        }
        index.commit_with_payload("42 abcd").expect("commit");
    }
    let index = SearchIndex::open_in_dir(folder.path()).expect("reopen");
    assert_eq!(
        index.payload().expect("payload").as_deref(),
        Some("42 abcd")
    );
    assert_eq!(index.num_items(), 4);
    index.clear().expect("clear");
    index.commit_with_payload("0").expect("commit");
    assert_eq!(index.num_items(), 0);
    assert_eq!(index.payload().expect("payload").as_deref(), Some("0"));
}

// --- highlights ---

#[test]
fn snippet_marks_the_whole_compound_term() {
    let index = index_with(&corpus());
    let results = index
        .search(&SearchRequest {
            text: "安全生产".into(),
            ..Default::default()
        })
        .expect("search");
    let hit = results.hits.first().expect("one hit");
    assert!(
        hit.title.to_html().contains("<mark>安全生产</mark>"),
        "{}",
        hit.title.to_html()
    );
    assert!(
        hit.snippet.to_html().contains("<mark>安全生产</mark>"),
        "{}",
        hit.snippet.to_html()
    );
}

// --- robustness ---

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_text_and_party_search_without_panic(
        text in "\\PC{0,150}",
        party in proptest::option::of("\\PC{0,60}"),
        offset in 0usize..5000,
        limit in 0usize..500,
    ) {
        let index = index_with(&corpus());
        let results = index.search(&SearchRequest { text, party, offset, limit, ..Default::default() });
        prop_assert!(results.is_ok());
    }

    #[test]
    fn every_cjk_substring_of_a_title_finds_its_item(start in 0usize..12, len in 1usize..8) {
        let items = corpus();
        let index = index_with(&items);
        let title: Vec<char> = items[1].title.chars().collect();
        let end = (start + len).min(title.len());
        let fragment: String = title[start.min(end)..end].iter().collect();
        let found = ids(&index, &SearchRequest { text: fragment.clone(), ..Default::default() });
        prop_assert!(fragment.is_empty() || found.contains(&"p2".to_string()), "{fragment:?} → {found:?}");
    }
}
