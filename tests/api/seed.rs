use crate::helpers::{backends, first_start, paper_rows, spawn_app};
use cityatlas::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use cityatlas::seed::seed_paper_dataset;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;

/// Every row of every table, in a stable order, ids and timestamps included.
async fn snapshot(db: &DatabaseConnection) -> Vec<String> {
    macro_rules! dump {
        ($($module:ident),*) => {{
            let mut out = Vec::new();
            $(
                let rows = $module::Entity::find().all(db).await.expect("read table");
                let mut rows: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
                rows.sort();
                out.push(format!("{}: {}", stringify!($module), rows.join("\n")));
            )*
            out
        }};
    }
    dump!(
        source,
        subject,
        region,
        country,
        city,
        company,
        project,
        project_company,
        policy,
        policy_city,
        policy_company,
        company_sanction,
        indicator,
        observation,
        strategic_dimension,
        strategic_position
    )
}

#[tokio::test]
async fn seeding_twice_leaves_the_same_rows() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let before = snapshot(&app.db).await;
        let report = seed_paper_dataset(&app.db).await.expect("second seeding");
        assert_eq!(report.changed_rows(), 0, "{backend:?}: {report}");
        assert_eq!(snapshot(&app.db).await, before, "{backend:?}");
    }
}

#[tokio::test]
async fn seeding_restores_edited_rows_and_removes_foreign_ones() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let market = find_observation(&app.db, "ai_market_size", "CN", "2024", None).await;
        let mut edited: observation::ActiveModel = market.clone().into();
        edited.value = ActiveValue::Set(1.0);
        edited.update(&app.db).await.expect("edit a value");
        let stray = indicator::ActiveModel {
            code: ActiveValue::Set("stray_indicator".into()),
            name: ActiveValue::Set("Stray".into()),
            description: ActiveValue::Set("Not in the paper".into()),
            unit: ActiveValue::Set("USD".into()),
            scale: ActiveValue::Set("one".into()),
            measure: ActiveValue::Set("none".into()),
            topic: ActiveValue::Set("none".into()),
            caveat: ActiveValue::Set(None),
            created_at: ActiveValue::Set(chrono::Utc::now()),
            updated_at: ActiveValue::Set(chrono::Utc::now()),
            ..Default::default()
        };
        stray.insert(&app.db).await.expect("insert a stray row");

        let report = seed_paper_dataset(&app.db).await.expect("reseed");
        let line = |table: &str| {
            report
                .tables
                .iter()
                .find(|t| t.table == table)
                .cloned()
                .expect("a report line")
        };
        assert_eq!(
            (line("observations").updated, line("observations").deleted),
            (1, 0)
        );
        assert_eq!(
            (line("indicators").inserted, line("indicators").deleted),
            (0, 1)
        );
        assert_eq!(report.changed_rows(), 2, "{backend:?}: {report}");

        let restored = find_observation(&app.db, "ai_market_size", "CN", "2024", None).await;
        assert_eq!(restored.value, 39.32);
        assert_eq!(restored.id, market.id, "the row is updated in place");
        assert!(restored.updated_at > market.updated_at);
        let strays = indicator::Entity::find()
            .filter(indicator::Column::Code.eq("stray_indicator"))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(strays, 0, "{backend:?}");
    }
}

#[tokio::test]
async fn the_dataset_has_the_expected_counts() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let counts = [
            ("sources", source::Entity::find().count(db).await, 37),
            ("subjects", subject::Entity::find().count(db).await, 32),
            ("regions", region::Entity::find().count(db).await, 6),
            ("countries", country::Entity::find().count(db).await, 2),
            ("cities", city::Entity::find().count(db).await, 3),
            ("companies", company::Entity::find().count(db).await, 12),
            ("projects", project::Entity::find().count(db).await, 9),
            (
                "project_companies",
                project_company::Entity::find().count(db).await,
                6,
            ),
            ("policies", policy::Entity::find().count(db).await, 19),
            (
                "policy_cities",
                policy_city::Entity::find().count(db).await,
                2,
            ),
            (
                "policy_companies",
                policy_company::Entity::find().count(db).await,
                6,
            ),
            (
                "company_sanctions",
                company_sanction::Entity::find().count(db).await,
                3,
            ),
            ("indicators", indicator::Entity::find().count(db).await, 26),
            (
                "observations",
                observation::Entity::find().count(db).await,
                44,
            ),
            (
                "strategic_dimensions",
                strategic_dimension::Entity::find().count(db).await,
                5,
            ),
            (
                "strategic_positions",
                strategic_position::Entity::find().count(db).await,
                10,
            ),
        ];
        for (table, count, expected) in counts {
            assert_eq!(count.expect("count"), expected, "{backend:?}: {table}");
        }
    }
}

async fn find_observation(
    db: &DatabaseConnection,
    indicator_code: &str,
    subject_key: &str,
    period: &str,
    category: Option<&str>,
) -> observation::Model {
    let indicator = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(indicator_code))
        .one(db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("indicator {indicator_code}"));
    let subject = subject::Entity::find()
        .filter(subject::Column::Key.eq(subject_key))
        .one(db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("subject {subject_key}"));
    let mut query = observation::Entity::find()
        .filter(observation::Column::IndicatorId.eq(indicator.id))
        .filter(observation::Column::SubjectId.eq(subject.id))
        .filter(observation::Column::Period.eq(period));
    query = match category {
        Some(category) => query.filter(observation::Column::Category.eq(category)),
        None => query.filter(observation::Column::Category.is_null()),
    };
    query
        .one(db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("{indicator_code} {subject_key} {period}"))
}

async fn source_of(db: &DatabaseConnection, o: &observation::Model) -> source::Model {
    source::Entity::find_by_id(o.source_id)
        .one(db)
        .await
        .expect("query")
        .expect("the source exists")
}

#[tokio::test]
async fn sample_values_are_exact_with_sources_and_paper_locations() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let db = &app.db;

        let china = find_observation(db, "ai_market_size", "CN", "2024", None).await;
        assert_eq!(
            (
                china.value,
                china.value_text.as_str(),
                china.unit.as_str(),
                china.scale.as_str()
            ),
            (39.32, "39,32", "USD", "billion")
        );
        assert_eq!(china.status, observation::Status::Estimate);
        assert!(china.cited_in.contains("Table 2"), "{}", china.cited_in);
        assert!(china.caveat.as_deref().unwrap_or_default().contains("yuan"));
        let source = source_of(db, &china).await;
        assert_eq!(source.publisher, "Statista");
        assert_eq!(
            source.url.as_deref(),
            Some("https://www.statista.com/statistics/1262377/china-ai-market-size/")
        );
        assert_eq!(source.accessed_on.as_deref(), Some("2025-08-28"));

        let usa = find_observation(db, "ai_market_size", "US", "2024", None).await;
        assert_eq!(usa.value, 50.16);

        let world = find_observation(db, "ai_enterprises", "WORLD", "2024-Q3", None).await;
        let us = find_observation(db, "ai_enterprises", "US", "2024-Q3", None).await;
        assert_eq!(
            (world.value, us.value, world.year),
            (31206.0, 10840.0, 2024)
        );
        assert!(source_of(db, &world).await.publisher.contains("CAICT"));

        let industry_2020 =
            find_observation(db, "smart_city_industry_size", "CN", "2020", None).await;
        let industry_2024 =
            find_observation(db, "smart_city_industry_size", "CN", "2024", None).await;
        assert_eq!((industry_2020.value, industry_2024.value), (14.9, 33.0));
        assert_eq!(
            (industry_2020.unit.as_str(), industry_2020.scale.as_str()),
            ("CNY", "trillion")
        );

        let enterprise_tech = find_observation(
            db,
            "unicorn_industry_share",
            "US",
            "2023",
            Some("enterprise technology"),
        )
        .await;
        assert_eq!(enterprise_tech.value, 38.8);
        assert_eq!(
            enterprise_tech.cited_in,
            "section Technological Advancements (text on Fig. 3); Fig. 3 (text)"
        );
        assert_eq!(
            source_of(db, &enterprise_tech).await.publisher,
            "Tencent Research Institute"
        );

        let unicorns_2021 = find_observation(db, "new_unicorns", "US", "2021", None).await;
        assert_eq!(
            (unicorns_2021.value, unicorns_2021.cited_in.as_str()),
            (
                191.0,
                "section Technological Advancements (text on Fig. 2); Fig. 2 (text)"
            )
        );

        let misprint = find_observation(db, "smart_city_market_size", "WORLD", "2030", None).await;
        assert!(
            misprint
                .caveat
                .as_deref()
                .unwrap_or_default()
                .contains("misprinted")
        );

        let comparability = indicator::Entity::find()
            .filter(indicator::Column::Code.eq("smart_city_industry_size"))
            .one(db)
            .await
            .expect("query")
            .expect("indicator");
        assert!(
            comparability
                .caveat
                .unwrap_or_default()
                .contains("Not comparable")
        );
    }
}

/// Values that exist only in a figure's image, or that derive from stored counts, are absent.
#[tokio::test]
async fn nothing_is_read_off_figures_or_derived() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let ai_market = indicator::Entity::find()
            .filter(indicator::Column::Code.eq("ai_market_size"))
            .one(db)
            .await
            .expect("query")
            .expect("indicator");
        let years: Vec<i32> = observation::Entity::find()
            .filter(observation::Column::IndicatorId.eq(ai_market.id))
            .all(db)
            .await
            .expect("query")
            .into_iter()
            .map(|o| o.year)
            .collect();
        assert_eq!(
            years,
            vec![2024, 2024],
            "Fig. 1's 2021–2023 bars are image-only"
        );

        let unicorns = indicator::Entity::find()
            .filter(indicator::Column::Code.eq("new_unicorns"))
            .one(db)
            .await
            .expect("query")
            .expect("indicator");
        let us = subject::Entity::find()
            .filter(subject::Column::Key.eq("US"))
            .one(db)
            .await
            .expect("query")
            .expect("US");
        let us_years: Vec<String> = observation::Entity::find()
            .filter(observation::Column::IndicatorId.eq(unicorns.id))
            .filter(observation::Column::SubjectId.eq(us.id))
            .order_by_asc(observation::Column::Period)
            .all(db)
            .await
            .expect("query")
            .into_iter()
            .map(|o| o.period)
            .collect();
        assert_eq!(
            us_years,
            ["2021", "2024"],
            "Fig. 2's other US years are image-only"
        );

        let shares = indicator::Entity::find()
            .filter(indicator::Column::Unit.eq("percent"))
            .all(db)
            .await
            .expect("query");
        assert!(
            shares.iter().all(|i| i.code != "ai_enterprises_share"),
            "enterprise shares are derived, not stored"
        );
    }
}

#[tokio::test]
async fn every_observation_has_a_source_and_a_paper_location() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let sources: std::collections::HashMap<i32, source::Model> = source::Entity::find()
            .all(&app.db)
            .await
            .expect("query")
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let observations = observation::Entity::find()
            .all(&app.db)
            .await
            .expect("query");
        assert!(!observations.is_empty());
        for o in observations {
            let source = sources
                .get(&o.source_id)
                .unwrap_or_else(|| panic!("observation {} has no source", o.id));
            assert!(!source.title.trim().is_empty() && !source.publisher.trim().is_empty());
            assert!(!source.paper_reference.trim().is_empty());
            assert!(
                !o.cited_in.trim().is_empty(),
                "observation {} has no paper location",
                o.id
            );
            assert!(!o.unit.is_empty() && !o.scale.is_empty() && !o.value_text.is_empty());
        }
    }
}

#[tokio::test]
async fn table_one_has_five_dimensions_with_both_countries() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let dimensions = strategic_dimension::Entity::find()
            .order_by_asc(strategic_dimension::Column::Ordinal)
            .all(&app.db)
            .await
            .expect("query");
        let names: Vec<&str> = dimensions.iter().map(|d| d.dimension.as_str()).collect();
        assert_eq!(
            names,
            [
                "Policy system",
                "Drive model",
                "Technical path",
                "Globalization path",
                "Challenge"
            ]
        );
        assert_eq!(dimensions[1].key_difference, "Planned vs Incentive");
        let china = country::Entity::find()
            .filter(country::Column::Code.eq("CN"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("CN");
        let drive = strategic_position::Entity::find()
            .filter(strategic_position::Column::DimensionId.eq(dimensions[1].id))
            .filter(strategic_position::Column::CountryId.eq(china.id))
            .one(&app.db)
            .await
            .expect("query")
            .expect("China's drive model");
        assert_eq!(drive.text, "Government-led");
    }
}

/// The first start imports the paper as release liu-2025, then makes the curators' four
/// corrections after it, each an audit event with its reason: live data shows them, and
/// liu-2025 still reads as the paper was first read.
#[tokio::test]
async fn the_first_start_makes_the_four_corrections_as_revisions_of_liu_2025() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        assert_eq!(
            first_start(&app).await.imported,
            paper_rows() + 1,
            "{backend:?}: liu-2025 is an event per row and the import's own"
        );
        let events = app
            .data(
                r#"{ auditEvents(filter: { entityType: ["Dataset"], action: ["updated"] }) {
                         nodes { actor entityId reason } } }"#,
            )
            .await;
        let corrections = events["auditEvents"]["nodes"].as_array().expect("nodes");
        let names: Vec<&str> = corrections
            .iter()
            .map(|event| event["entityId"].as_str().expect("a name"))
            .collect();
        assert_eq!(
            names,
            [
                "carbon-tons",
                "surveillance-share-on-companies",
                "us-investment-outlook-caveat",
                "figure-sections-and-comparability-wording"
            ],
            "{backend:?}"
        );
        assert!(corrections.iter().all(|event| {
            event["actor"] == "importer"
                && event["reason"]
                    .as_str()
                    .is_some_and(|reason| reason.len() > 40)
        }));

        // Each row a correction changed has an event of its own: the share that moved off
        // Hangzhou is retracted there, with the correction's reason.
        let moved = app
            .data(
                r#"{ auditEvents(filter: { action: ["retracted"] }) {
                         nodes { entityType reason before } } }"#,
            )
            .await;
        let moved = moved["auditEvents"]["nodes"].as_array().expect("nodes");
        assert_eq!(moved.len(), 1, "{backend:?}: {moved:?}");
        assert_eq!(moved[0]["entityType"], "Observation");
        assert_eq!(moved[0]["before"]["subject"], "hangzhou");
        assert_eq!(moved[0]["reason"], corrections[1]["reason"]);

        let carbon = r#"query($release: String) {
            observations(release: $release, filter: { indicator: ["carbon_emissions_reduction"] }) {
              nodes { unit revision } } }"#;
        let now = app.data_with(carbon, json!({})).await;
        assert_eq!(
            now["observations"]["nodes"][0]["unit"], "tons",
            "{backend:?}"
        );
        assert_eq!(now["observations"]["nodes"][0]["revision"], 2);
        let then = app
            .data_with(carbon, json!({ "release": "liu-2025" }))
            .await;
        assert_eq!(then["observations"]["nodes"][0]["unit"], "tonnes");

        let share = r#"query($release: String, $subject: [String!]) {
            observations(release: $release, filter: {
                indicator: ["video_surveillance_sales_share"], subject: $subject }) {
              nodes { value subject { __typename } caveats } } }"#;
        let by_company = app.data_with(share, json!({ "subject": ["dahua"] })).await;
        let nodes = &by_company["observations"]["nodes"];
        assert_eq!(nodes[0]["value"], 30.0, "{backend:?}: found by company");
        assert_eq!(nodes[0]["subject"]["__typename"], "Company");
        assert!(
            nodes[0]["caveats"]
                .as_array()
                .expect("caveats")
                .iter()
                .any(|c| c
                    .as_str()
                    .is_some_and(|c| c.contains("must not be added up"))),
            "{nodes}"
        );
        let on_hangzhou = app
            .data_with(share, json!({ "subject": ["hangzhou"] }))
            .await;
        assert_eq!(on_hangzhou["observations"]["nodes"], json!([]));
        let published = app
            .data_with(
                share,
                json!({ "release": "liu-2025", "subject": ["hangzhou"] }),
            )
            .await;
        assert_eq!(published["observations"]["nodes"][0]["value"], 30.0);

        let outlook = app
            .data(r#"{ observations(filter: { indicator: ["smart_city_investment_outlook"] }) { nodes { caveats } } }"#)
            .await;
        let caveats = outlook["observations"]["nodes"][0]["caveats"].to_string();
        assert!(caveats.contains("worldwide"), "{caveats}");

        let industry = app
            .data(r#"{ indicator(code: "smart_city_industry_size") { caveat } }"#)
            .await;
        let caveat = industry["indicator"]["caveat"].as_str().expect("a caveat");
        assert!(
            caveat.contains("whereas") && !caveat.contains("trillion, that is"),
            "{caveat}"
        );
    }
}
