//! Keyset paging against a real in-memory SQLite database: cursors, every ordering walked
//! page by page in both directions, page info at both ends, and the window limits.

use super::*;
use crate::entities::{indicator, observation, source, subject};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, Database, DatabaseConnection, QueryOrder};
use serde_json::json;

/// The sortable fields of the test list; their names go into the cursor tag.
#[derive(Clone, Copy, Debug)]
enum Field {
    Year,
    Value,
    CitedIn,
}

const FIELDS: [Field; 3] = [Field::Year, Field::Value, Field::CitedIn];
const DIRECTIONS: [OrderDirection; 2] = [OrderDirection::Asc, OrderDirection::Desc];

/// (subject, year, value, cited_in): every key has ties, and tied rows are not inserted next
/// to each other, so only the id tie-break gives them a stable order.
const ROWS: [(usize, i32, f64, &str); 9] = [
    (0, 2021, 2.5, "Table 2"),
    (1, 2020, 1.5, "Fig. 1"),
    (2, 2021, 1.5, "Table 2"),
    (0, 2019, -0.5, "Fig. 1"),
    (1, 2021, 2.5, "Fig. 3"),
    (2, 2020, 10.0, "Table 2"),
    (0, 2020, 1.5, "Fig. 1"),
    (1, 2019, 0.25, "Fig. 3"),
    (2, 2022, 2.5, "Table 2"),
];

fn ordering(field: Field, direction: OrderDirection) -> Ordering<observation::Model> {
    let column = |c: observation::Column| Expr::col((observation::Entity, c));
    let sort_key: SortKey<observation::Model> = match field {
        Field::Year => SortKey {
            expr: column(observation::Column::Year),
            kind: KeyKind::Int,
            value_of: |m| json!(m.year),
        },
        Field::Value => SortKey {
            expr: column(observation::Column::Value),
            kind: KeyKind::Float,
            value_of: |m| json!(m.value),
        },
        Field::CitedIn => SortKey {
            expr: column(observation::Column::CitedIn),
            kind: KeyKind::Text,
            value_of: |m| json!(m.cited_in),
        },
    };
    let id = column(observation::Column::Id);
    Ordering::new("observations", field, direction, sort_key, id, |m| m.id)
}

/// The full list in an ordering, sorted here in Rust: by key, ties by id.
fn expected(rows: &[observation::Model], field: Field, direction: OrderDirection) -> Vec<i32> {
    let key = |a: &observation::Model, b: &observation::Model| match field {
        Field::Year => a.year.cmp(&b.year),
        Field::Value => a.value.total_cmp(&b.value),
        Field::CitedIn => a.cited_in.cmp(&b.cited_in),
    };
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| key(a, b).then(a.id.cmp(&b.id)));
    if direction == OrderDirection::Desc {
        sorted.reverse();
    }
    sorted.iter().map(|m| m.id).collect()
}

/// A migrated in-memory database holding `ROWS`, and the rows as stored.
async fn database() -> (DatabaseConnection, Vec<observation::Model>) {
    let db = Database::connect("sqlite::memory:").await.expect("opens");
    crate::database::migrate(&db).await.expect("migrates");
    let now = Utc::now();
    let source = source::ActiveModel {
        slug: Set("test-source".into()),
        kind: Set("report".into()),
        publisher: Set("Publisher".into()),
        title: Set("Title".into()),
        paper_reference: Set("[1]".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let source = source.insert(&db).await.expect("a source");
    let indicator = indicator::ActiveModel {
        code: Set("test_indicator".into()),
        name: Set("Test indicator".into()),
        description: Set("For paging".into()),
        unit: Set("USD".into()),
        scale: Set("billion".into()),
        measure: Set("size".into()),
        topic: Set("test".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let indicator = indicator.insert(&db).await.expect("an indicator");
    let mut subjects = Vec::new();
    for key in ["AA", "BB", "CC"] {
        let subject = subject::ActiveModel {
            kind: Set(subject::SubjectKind::Country),
            key: Set(key.into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        subjects.push(subject.insert(&db).await.expect("a subject").id);
    }
    for (subject, year, value, cited_in) in ROWS {
        let row = observation::ActiveModel {
            indicator_id: Set(indicator.id),
            subject_id: Set(subjects[subject]),
            period: Set(year.to_string()),
            year: Set(year),
            value: Set(value),
            value_text: Set(value.to_string()),
            unit: Set("USD".into()),
            scale: Set("billion".into()),
            qualifier: Set(observation::Qualifier::Exact),
            status: Set(observation::Status::Reported),
            source_id: Set(source.id),
            cited_in: Set(cited_in.into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        row.insert(&db).await.expect("an observation");
    }
    let stored = observation::Entity::find()
        .order_by_asc(observation::Column::Id)
        .all(&db)
        .await
        .expect("reads back");
    (db, stored)
}

async fn page(
    db: &DatabaseConnection,
    ordering: &Ordering<observation::Model>,
    args: PageArgs,
) -> Result<Page<observation::Model>, Error> {
    load_page(db, observation::Entity::find(), ordering, &args).await
}

fn forwards(first: i32, after: Option<String>) -> PageArgs {
    PageArgs::new(Some(first), after, None, None)
}

fn backwards(last: i32, before: Option<String>) -> PageArgs {
    PageArgs::new(None, None, Some(last), before)
}

fn ids(page: &Page<observation::Model>) -> Vec<i32> {
    page.edges.iter().map(|(_, row)| row.id).collect()
}

/// The message of a refused request; fails the test on success or on any other error.
fn refusal<T>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::BadUserInput(message)) => message,
        Err(other) => panic!("expected BAD_USER_INPUT, got {other:?}"),
        Ok(_) => panic!("expected a refusal"),
    }
}

/// Follows `endCursor` with `first: size` until `hasNextPage` is false.
async fn walk_forwards(
    db: &DatabaseConnection,
    ordering: &Ordering<observation::Model>,
    size: i32,
) -> Vec<i32> {
    let (mut seen, mut after) = (Vec::new(), None);
    for _ in 0..=ROWS.len() {
        let page = page(db, ordering, forwards(size, after.clone())).await;
        let page = page.expect("a page");
        let info = &page.page_info;
        assert_eq!(info.has_previous_page, after.is_some(), "{}", ordering.tag);
        assert_eq!(info.start_cursor, page.edges.first().map(|e| e.0.clone()));
        assert_eq!(info.end_cursor, page.edges.last().map(|e| e.0.clone()));
        seen.extend(ids(&page));
        if !info.has_next_page {
            return seen;
        }
        assert_eq!(
            page.edges.len(),
            size as usize,
            "only full pages say more follow"
        );
        after = info.end_cursor.clone();
    }
    panic!("{} size {size}: more pages than rows", ordering.tag)
}

/// Follows `startCursor` with `last: size` until `hasPreviousPage` is false.
async fn walk_backwards(
    db: &DatabaseConnection,
    ordering: &Ordering<observation::Model>,
    size: i32,
) -> Vec<i32> {
    let (mut seen, mut before) = (Vec::new(), None);
    for _ in 0..=ROWS.len() {
        let page = page(db, ordering, backwards(size, before.clone())).await;
        let page = page.expect("a page");
        let info = &page.page_info;
        assert_eq!(info.has_next_page, before.is_some(), "{}", ordering.tag);
        seen.splice(0..0, ids(&page));
        if !info.has_previous_page {
            return seen;
        }
        assert_eq!(
            page.edges.len(),
            size as usize,
            "only full pages say more precede"
        );
        before = info.start_cursor.clone();
    }
    panic!("{} size {size}: more pages than rows", ordering.tag)
}

#[tokio::test]
async fn every_ordering_pages_through_all_rows_once_in_both_directions() {
    let (db, rows) = database().await;
    for field in FIELDS {
        for direction in DIRECTIONS {
            let ordering = ordering(field, direction);
            let all = expected(&rows, field, direction);
            for size in [1, 2, 3, 4, 9, 100] {
                let forwards = walk_forwards(&db, &ordering, size).await;
                assert_eq!(forwards, all, "{} forwards by {size}", ordering.tag);
                let backwards = walk_backwards(&db, &ordering, size).await;
                assert_eq!(backwards, all, "{} backwards by {size}", ordering.tag);
            }
        }
    }
}

#[tokio::test]
async fn before_alone_ends_at_the_cursor_and_after_with_before_is_the_rows_between() {
    let (db, rows) = database().await;
    for field in FIELDS {
        for direction in DIRECTIONS {
            let ordering = ordering(field, direction);
            let all = expected(&rows, field, direction);
            let full = page(&db, &ordering, PageArgs::default())
                .await
                .expect("all");
            assert_eq!(
                ids(&full),
                all,
                "{}: the default page holds all",
                ordering.tag
            );
            let cursor = |index: usize| Some(full.edges[index].0.clone());

            let args = PageArgs::new(None, None, None, cursor(5));
            let head = page(&db, &ordering, args).await.expect("before alone");
            assert_eq!(ids(&head), all[..5], "{}", ordering.tag);
            assert!(head.page_info.has_next_page && !head.page_info.has_previous_page);

            let args = PageArgs::new(None, cursor(1), None, cursor(6));
            let between = page(&db, &ordering, args).await.expect("after and before");
            assert_eq!(ids(&between), all[2..6], "{}", ordering.tag);
        }
    }
}

#[tokio::test]
async fn page_info_and_counts_at_both_ends_and_for_zero_sized_pages() {
    let (db, rows) = database().await;
    let ordering = ordering(Field::Year, OrderDirection::Asc);
    let all = expected(&rows, Field::Year, OrderDirection::Asc);

    let first = page(&db, &ordering, forwards(3, None))
        .await
        .expect("first");
    let info = &first.page_info;
    assert_eq!((info.has_previous_page, info.has_next_page), (false, true));
    assert_eq!(first.total_count.get().await.expect("counts"), 9);

    let last = page(&db, &ordering, backwards(3, None))
        .await
        .expect("last");
    assert_eq!(ids(&last), all[6..]);
    let info = &last.page_info;
    assert_eq!((info.has_previous_page, info.has_next_page), (true, false));

    let after_last = forwards(3, last.page_info.end_cursor.clone());
    let beyond_end = page(&db, &ordering, after_last)
        .await
        .expect("past the end");
    assert!(beyond_end.edges.is_empty() && !beyond_end.page_info.has_next_page);
    assert_eq!(beyond_end.page_info.end_cursor, None);

    let none = page(&db, &ordering, forwards(0, None))
        .await
        .expect("first: 0");
    assert!(none.edges.is_empty());
    let info = &none.page_info;
    assert!(info.has_next_page && !info.has_previous_page, "rows follow");
    assert_eq!((&info.start_cursor, &info.end_cursor), (&None, &None));

    let none = page(&db, &ordering, backwards(0, None))
        .await
        .expect("last: 0");
    assert!(none.edges.is_empty() && none.page_info.has_previous_page);
}

#[tokio::test]
async fn page_sizes_outside_0_to_100_and_first_with_last_are_refused() {
    let (db, _) = database().await;
    let ordering = ordering(Field::Value, OrderDirection::Desc);
    let cases = [
        (Some(-1), None, "`first` must be between 0 and 100"),
        (Some(101), None, "`first` must be between 0 and 100"),
        (None, Some(-1), "`last` must be between 0 and 100"),
        (None, Some(101), "`last` must be between 0 and 100"),
        (Some(1), Some(1), "either `first` or `last`, not both"),
    ];
    for (first, last, message) in cases {
        let refused = page(&db, &ordering, PageArgs::new(first, None, last, None)).await;
        let refused = refusal(refused);
        assert!(refused.contains(message), "{first:?}/{last:?}: {refused}");
    }
    for limits in [(Some(100), None), (None, Some(100))] {
        let args = PageArgs::new(limits.0, None, limits.1, None);
        let full = page(&db, &ordering, args).await.expect("100 is allowed");
        assert_eq!(full.edges.len(), ROWS.len());
    }
}

#[tokio::test]
async fn a_cursor_from_another_ordering_is_refused_by_load_page() {
    let (db, _) = database().await;
    let descending = ordering(Field::Year, OrderDirection::Desc);
    let first = page(&db, &descending, forwards(2, None)).await;
    let cursor = first.expect("a page").page_info.end_cursor;
    for other in [
        ordering(Field::Year, OrderDirection::Asc),
        ordering(Field::CitedIn, OrderDirection::Desc),
    ] {
        let refused = refusal(page(&db, &other, forwards(2, cursor.clone())).await);
        assert!(refused.contains("another list or ordering"), "{refused}");
        assert!(refused.contains(&descending.tag), "{refused}");
    }
}

#[test]
fn cursors_round_trip_their_key_and_id_for_every_key_kind() {
    let cases = [
        (Field::Year, json!(2021), Value::from(2021_i64)),
        (Field::Year, json!(-7), Value::from(-7_i64)),
        (Field::Value, json!(-0.25), Value::from(-0.25_f64)),
        (Field::Value, json!(10), Value::from(10.0_f64)),
        (
            Field::CitedIn,
            json!("Fig. 3 (text)"),
            Value::from("Fig. 3 (text)"),
        ),
        (Field::CitedIn, json!(""), Value::from("")),
    ];
    for (field, key, decoded) in cases {
        let ordering = ordering(field, OrderDirection::Asc);
        let cursor = encode_cursor(&ordering.tag, key.clone(), 42);
        let padded = format!("{cursor}==");
        for text in [&cursor, &padded] {
            let Ok(back) = decode_cursor("after", text, &ordering) else {
                panic!("{key} does not decode from {text}");
            };
            assert_eq!((&back.key, back.id), (&decoded, 42), "{key}");
        }
    }
}

#[test]
fn garbage_wrong_key_kinds_and_nul_are_not_cursors() {
    let int = ordering(Field::Year, OrderDirection::Asc);
    let text = ordering(Field::CitedIn, OrderDirection::Asc);
    let tagged = |ordering: &Ordering<_>, key| encode_cursor(&ordering.tag, key, 1);
    let cases = [
        (&int, "not base64 at all!".to_owned()),
        (&int, URL_SAFE_NO_PAD.encode("not json")),
        (
            &int,
            URL_SAFE_NO_PAD.encode(r#"{"o":"OBSERVATIONS:YEAR:ASC","k":1}"#),
        ),
        (&int, tagged(&int, json!("2021"))),
        (&int, tagged(&int, json!(2021.5))),
        (&int, tagged(&int, json!(null))),
        (&text, tagged(&text, json!(2021))),
        (&text, tagged(&text, json!("Fig.\u{0} 1"))),
    ];
    for (ordering, cursor) in cases {
        let refused = refusal(decode_cursor("before", &cursor, ordering).map(|c| c.id));
        assert!(
            refused.contains("`before` is not a cursor from this list"),
            "{cursor}: {refused}"
        );
    }
}

#[test]
fn tags_name_the_list_field_and_direction() {
    assert_eq!(
        ordering(Field::CitedIn, OrderDirection::Desc).tag,
        "OBSERVATIONS:CITEDIN:DESC"
    );
    let cursor = encode_cursor("OTHER:YEAR:ASC", json!(2021), 1);
    let ascending = ordering(Field::Year, OrderDirection::Asc);
    let refused = refusal(decode_cursor("after", &cursor, &ascending).map(|c| c.id));
    assert!(
        refused.contains("another list or ordering (OTHER:YEAR:ASC)"),
        "{refused}"
    );
}
