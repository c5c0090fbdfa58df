//! `search`: one ranked list over countries, regions, cities, companies, projects, policies
//! and indicators.
//!
//! A hit ranks by where the text matches: the whole name or key, then the start of the name,
//! then anywhere in the name, then anywhere else. Ties go by kind, then name. Each table
//! returns its own best `first` hits, ranked in SQL, and the lists are merged here with the
//! same ranking, so the global top `first` is exact.

use super::filters;
use super::paging::MAX_PAGE_SIZE;
use crate::entities::{city, company, country, indicator, policy, project, region};
use crate::error::Error;
use crate::text_search::RankPatterns;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait, IdenStatic, QueryFilter, QueryOrder, QuerySelect};

/// One row that matched, of whichever kind.
#[derive(Debug)]
pub enum Found {
    Country(country::Model),
    Region(region::Model),
    City(city::Model),
    Company(company::Model),
    Project(project::Model),
    Policy(policy::Model),
    Indicator(indicator::Model),
}

pub const DEFAULT_SEARCH_RESULTS: i32 = 20;

struct Hit {
    rank: u8,
    kind_order: u8,
    name: String,
    id: i32,
    found: Found,
}

/// The best `first` matches of `text` across the searchable tables, best first.
pub async fn search(
    db: &impl ConnectionTrait,
    text: &str,
    first: Option<i32>,
) -> Result<Vec<Found>, Error> {
    let limit = first.unwrap_or(DEFAULT_SEARCH_RESULTS);
    if !(0..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(Error::BadUserInput(format!(
            "`first` must be between 0 and {MAX_PAGE_SIZE}, got {limit}"
        )));
    }
    let Some(needle) = filters::needle(text)? else {
        return Err(Error::BadUserInput(
            "`text` must contain something to search for".to_owned(),
        ));
    };
    let patterns = RankPatterns::new(&needle);
    let limit = limit as u64;
    let mut hits = Vec::new();

    macro_rules! search_in {
        ($module:ident, $key_column:ident, $key:ident, $order:literal, $variant:ident) => {
            for row in ranked::<$module::Entity>(
                db,
                &patterns,
                &needle,
                Searched {
                    search_text: $module::Column::SearchText,
                    key: $module::Column::$key_column,
                    id: $module::Column::Id,
                },
                limit,
            )
            .await?
            {
                hits.push(Hit {
                    rank: rank(&row.search_text, &row.$key, &needle),
                    kind_order: $order,
                    name: row.search_text.clone(),
                    id: row.id,
                    found: Found::$variant(row),
                });
            }
        };
    }
    search_in!(country, Code, code, 0, Country);
    search_in!(region, Code, code, 1, Region);
    search_in!(city, Slug, slug, 2, City);
    search_in!(company, Slug, slug, 3, Company);
    search_in!(project, Slug, slug, 4, Project);
    search_in!(policy, Slug, slug, 5, Policy);
    search_in!(indicator, Code, code, 6, Indicator);

    hits.sort_by(|a, b| {
        (a.rank, a.kind_order, &a.name, a.id).cmp(&(b.rank, b.kind_order, &b.name, b.id))
    });
    hits.truncate(limit as usize);
    Ok(hits.into_iter().map(|hit| hit.found).collect())
}

/// The rank of a match, best first; the same rules as the SQL `CASE` in [`ranked`].
fn rank(search_text: &str, key: &str, needle: &str) -> u8 {
    let name = search_text.split('\n').next().unwrap_or_default();
    if name == needle || key.to_ascii_lowercase() == needle {
        0
    } else if name.starts_with(needle) {
        1
    } else if name.contains(needle) {
        2
    } else {
        3
    }
}

/// The columns of a searchable table.
struct Searched<C> {
    search_text: C,
    key: C,
    id: C,
}

/// The best `limit` rows of one table that match, best first.
async fn ranked<E>(
    db: &impl ConnectionTrait,
    patterns: &RankPatterns,
    needle: &str,
    columns: Searched<E::Column>,
    limit: u64,
) -> Result<Vec<E::Model>, Error>
where
    E: EntityTrait,
    E::Column: IdenStatic,
{
    let Searched {
        search_text,
        key,
        id,
    } = columns;
    let like = |pattern: &str| Expr::col(search_text).like(LikeExpr::new(pattern).escape('\\'));
    // Keys are ASCII codes and slugs, so `LOWER` folds them the same on both backends.
    let key_equals: SimpleExpr = Func::lower(Expr::col(key)).into();
    let rank = Expr::case(key_equals.eq(needle).or(like(&patterns.name_equals)), 0)
        .case(like(&patterns.name_prefix), 1)
        .case(like(&patterns.in_name), 2)
        .finally(3);
    Ok(E::find()
        .filter(like(&patterns.anywhere))
        .order_by(Into::<SimpleExpr>::into(rank), sea_orm::Order::Asc)
        .order_by_asc(search_text)
        .order_by_asc(id)
        .limit(limit)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn exact_names_and_keys_rank_first_then_prefixes_then_names_then_text() {
        assert_eq!(rank("china\ncn chn", "CN", "cn"), 0);
        assert_eq!(
            rank("city brain\ncity-brain", "city-brain", "city brain"),
            0
        );
        assert_eq!(rank("shenzhen\nshenzhen", "shenzhen", "shen"), 1);
        assert_eq!(rank("hangzhou city brain\nx", "x", "brain"), 2);
        assert_eq!(
            rank("tencent\nbuilds digital twin cities", "tencent", "twin"),
            3
        );
    }
}
