//! The initial schema: subjects and their entities, indicators, observations, sources and
//! Table 1 of the paper.
//!
//! Every table carries `created_at`/`updated_at`; every foreign key and every filtered
//! column is indexed; natural keys are unique so that the seeder can be idempotent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    Slug,
    Kind,
    Publisher,
    Authors,
    Title,
    Container,
    PublishedOn,
    AccessedOn,
    Url,
    Doi,
    PaperReference,
    Note,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
    Kind,
    Key,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    SubjectId,
    Code,
    Name,
    Kind,
    Description,
}

#[derive(DeriveIden)]
enum Countries {
    Table,
    Id,
    SubjectId,
    Code,
    Iso3,
    Name,
    RegionId,
    Advantages,
    AdvantagesCitedIn,
}

#[derive(DeriveIden)]
enum Cities {
    Table,
    Id,
    SubjectId,
    Slug,
    Name,
    CountryId,
    Description,
    CitedIn,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    SubjectId,
    Slug,
    Name,
    CountryId,
    HqCityId,
    ParentCompanyId,
    Sector,
    LeadingEnterprise,
    Description,
    CitedIn,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    SubjectId,
    Slug,
    Name,
    Kind,
    CityId,
    CountryId,
    StartYear,
    Description,
    SourceId,
    CitedIn,
}

#[derive(DeriveIden)]
enum ProjectCompanies {
    Table,
    ProjectId,
    CompanyId,
    Role,
}

#[derive(DeriveIden)]
enum Policies {
    Table,
    Id,
    Slug,
    Title,
    CountryId,
    Kind,
    Issuer,
    Year,
    StartYear,
    EndYear,
    TargetYear,
    Summary,
    SourceId,
    CitedIn,
}

#[derive(DeriveIden)]
enum PolicyCities {
    Table,
    PolicyId,
    CityId,
}

#[derive(DeriveIden)]
enum PolicyCompanies {
    Table,
    PolicyId,
    CompanyId,
    Relation,
}

#[derive(DeriveIden)]
enum CompanySanctions {
    Table,
    Id,
    Slug,
    CompanyId,
    Authority,
    ListName,
    Action,
    Year,
    Description,
    SourceId,
    CitedIn,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
    Code,
    Name,
    Description,
    Unit,
    Scale,
    Measure,
    Topic,
    Caveat,
}

#[derive(DeriveIden)]
enum Observations {
    Table,
    Id,
    IndicatorId,
    SubjectId,
    Period,
    Year,
    Category,
    Value,
    ValueText,
    Unit,
    Scale,
    Qualifier,
    Status,
    SourceId,
    CitedIn,
    Caveat,
}

#[derive(DeriveIden)]
enum StrategicDimensions {
    Table,
    Id,
    Slug,
    Ordinal,
    Dimension,
    KeyDifference,
    SourceId,
    CitedIn,
}

#[derive(DeriveIden)]
enum StrategicPositions {
    Table,
    Id,
    DimensionId,
    CountryId,
    Text,
}

/// `created_at`/`updated_at` as timezone-aware timestamps; `table_auto`'s naive timestamps
/// would lose the offset on PostgreSQL.
fn table_with_timestamps<T: IntoIden + 'static>(name: T) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
        .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
        .take()
}

fn fk<F: IntoIden, T: IntoIden>(
    from_table: F,
    from_col: impl IntoIden,
    to_table: T,
    to_col: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

fn index_on<T: IntoIden>(name: &str, table: T, cols: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.take()
}

fn in_list(column: impl IntoIden, values: &[&str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().map(|v| String::from(*v)))
}

pub const SUBJECT_KINDS: &[&str] = &["country", "region", "city", "company", "project"];
pub const OBSERVATION_STATUSES: &[&str] = &["reported", "estimate", "forecast", "target"];
pub const QUALIFIERS: &[&str] = &["exact", "approximately", "more_than", "at_least"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_with_timestamps(Sources::Table)
                    .col(pk_auto(Sources::Id))
                    .col(string_uniq(Sources::Slug))
                    .col(string(Sources::Kind))
                    .col(string(Sources::Publisher))
                    .col(text_null(Sources::Authors))
                    .col(text(Sources::Title))
                    .col(text_null(Sources::Container))
                    .col(string_null(Sources::PublishedOn))
                    .col(string_null(Sources::AccessedOn))
                    .col(text_null(Sources::Url))
                    .col(string_null(Sources::Doi))
                    .col(text(Sources::PaperReference))
                    .col(text_null(Sources::Note))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on("idx_sources_kind", Sources::Table, &["kind"]))
            .await?;
        manager
            .create_index(index_on(
                "idx_sources_publisher",
                Sources::Table,
                &["publisher"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Subjects::Table)
                    .col(pk_auto(Subjects::Id))
                    .col(string(Subjects::Kind).check(in_list(Subjects::Kind, SUBJECT_KINDS)))
                    .col(string(Subjects::Key))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index_on("uq_subjects_kind_key", Subjects::Table, &["kind", "key"])
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on("idx_subjects_key", Subjects::Table, &["key"]))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Regions::Table)
                    .col(pk_auto(Regions::Id))
                    .col(integer_uniq(Regions::SubjectId))
                    .col(string_uniq(Regions::Code))
                    .col(string(Regions::Name))
                    .col(string(Regions::Kind))
                    .col(text_null(Regions::Description))
                    .foreign_key(&mut fk(
                        Regions::Table,
                        Regions::SubjectId,
                        Subjects::Table,
                        Subjects::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on("idx_regions_kind", Regions::Table, &["kind"]))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Countries::Table)
                    .col(pk_auto(Countries::Id))
                    .col(integer_uniq(Countries::SubjectId))
                    .col(string_len_uniq(Countries::Code, 2))
                    .col(string_len_uniq(Countries::Iso3, 3))
                    .col(string(Countries::Name))
                    .col(integer_null(Countries::RegionId))
                    .col(text_null(Countries::Advantages))
                    .col(string_null(Countries::AdvantagesCitedIn))
                    .foreign_key(&mut fk(
                        Countries::Table,
                        Countries::SubjectId,
                        Subjects::Table,
                        Subjects::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Countries::Table,
                        Countries::RegionId,
                        Regions::Table,
                        Regions::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_countries_region_id",
                Countries::Table,
                &["region_id"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Cities::Table)
                    .col(pk_auto(Cities::Id))
                    .col(integer_uniq(Cities::SubjectId))
                    .col(string_uniq(Cities::Slug))
                    .col(string(Cities::Name))
                    .col(integer(Cities::CountryId))
                    .col(text(Cities::Description))
                    .col(string(Cities::CitedIn))
                    .foreign_key(&mut fk(
                        Cities::Table,
                        Cities::SubjectId,
                        Subjects::Table,
                        Subjects::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Cities::Table,
                        Cities::CountryId,
                        Countries::Table,
                        Countries::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_cities_country_id",
                Cities::Table,
                &["country_id"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Companies::Table)
                    .col(pk_auto(Companies::Id))
                    .col(integer_uniq(Companies::SubjectId))
                    .col(string_uniq(Companies::Slug))
                    .col(string(Companies::Name))
                    .col(integer(Companies::CountryId))
                    .col(integer_null(Companies::HqCityId))
                    .col(integer_null(Companies::ParentCompanyId))
                    .col(string(Companies::Sector))
                    .col(boolean(Companies::LeadingEnterprise).default(false))
                    .col(text(Companies::Description))
                    .col(string(Companies::CitedIn))
                    .foreign_key(&mut fk(
                        Companies::Table,
                        Companies::SubjectId,
                        Subjects::Table,
                        Subjects::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Companies::Table,
                        Companies::CountryId,
                        Countries::Table,
                        Countries::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Companies::Table,
                        Companies::HqCityId,
                        Cities::Table,
                        Cities::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Companies::Table,
                        Companies::ParentCompanyId,
                        Companies::Table,
                        Companies::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("idx_companies_country_id", "country_id"),
            ("idx_companies_hq_city_id", "hq_city_id"),
            ("idx_companies_parent_company_id", "parent_company_id"),
            ("idx_companies_sector", "sector"),
            ("idx_companies_leading_enterprise", "leading_enterprise"),
        ] {
            manager
                .create_index(index_on(name, Companies::Table, &[col]))
                .await?;
        }

        manager
            .create_table(
                table_with_timestamps(Projects::Table)
                    .col(pk_auto(Projects::Id))
                    .col(integer_uniq(Projects::SubjectId))
                    .col(string_uniq(Projects::Slug))
                    .col(string(Projects::Name))
                    .col(string(Projects::Kind))
                    .col(integer_null(Projects::CityId))
                    .col(integer(Projects::CountryId))
                    .col(integer_null(Projects::StartYear))
                    .col(text(Projects::Description))
                    .col(integer(Projects::SourceId))
                    .col(string(Projects::CitedIn))
                    .foreign_key(&mut fk(
                        Projects::Table,
                        Projects::SubjectId,
                        Subjects::Table,
                        Subjects::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Projects::Table,
                        Projects::CityId,
                        Cities::Table,
                        Cities::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Projects::Table,
                        Projects::CountryId,
                        Countries::Table,
                        Countries::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Projects::Table,
                        Projects::SourceId,
                        Sources::Table,
                        Sources::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("idx_projects_city_id", "city_id"),
            ("idx_projects_country_id", "country_id"),
            ("idx_projects_source_id", "source_id"),
            ("idx_projects_kind", "kind"),
            ("idx_projects_start_year", "start_year"),
        ] {
            manager
                .create_index(index_on(name, Projects::Table, &[col]))
                .await?;
        }

        manager
            .create_table(
                table_with_timestamps(ProjectCompanies::Table)
                    .col(integer(ProjectCompanies::ProjectId))
                    .col(integer(ProjectCompanies::CompanyId))
                    .col(string(ProjectCompanies::Role))
                    .primary_key(
                        Index::create()
                            .col(ProjectCompanies::ProjectId)
                            .col(ProjectCompanies::CompanyId),
                    )
                    .foreign_key(&mut fk(
                        ProjectCompanies::Table,
                        ProjectCompanies::ProjectId,
                        Projects::Table,
                        Projects::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ProjectCompanies::Table,
                        ProjectCompanies::CompanyId,
                        Companies::Table,
                        Companies::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_project_companies_company_id",
                ProjectCompanies::Table,
                &["company_id"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Policies::Table)
                    .col(pk_auto(Policies::Id))
                    .col(string_uniq(Policies::Slug))
                    .col(text(Policies::Title))
                    .col(integer(Policies::CountryId))
                    .col(string(Policies::Kind))
                    .col(string_null(Policies::Issuer))
                    .col(integer_null(Policies::Year))
                    .col(integer_null(Policies::StartYear))
                    .col(integer_null(Policies::EndYear))
                    .col(integer_null(Policies::TargetYear))
                    .col(text(Policies::Summary))
                    .col(integer(Policies::SourceId))
                    .col(string(Policies::CitedIn))
                    .foreign_key(&mut fk(
                        Policies::Table,
                        Policies::CountryId,
                        Countries::Table,
                        Countries::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Policies::Table,
                        Policies::SourceId,
                        Sources::Table,
                        Sources::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("idx_policies_country_id", "country_id"),
            ("idx_policies_source_id", "source_id"),
            ("idx_policies_kind", "kind"),
            ("idx_policies_year", "year"),
            ("idx_policies_start_year", "start_year"),
            ("idx_policies_end_year", "end_year"),
        ] {
            manager
                .create_index(index_on(name, Policies::Table, &[col]))
                .await?;
        }

        manager
            .create_table(
                table_with_timestamps(PolicyCities::Table)
                    .col(integer(PolicyCities::PolicyId))
                    .col(integer(PolicyCities::CityId))
                    .primary_key(
                        Index::create()
                            .col(PolicyCities::PolicyId)
                            .col(PolicyCities::CityId),
                    )
                    .foreign_key(&mut fk(
                        PolicyCities::Table,
                        PolicyCities::PolicyId,
                        Policies::Table,
                        Policies::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        PolicyCities::Table,
                        PolicyCities::CityId,
                        Cities::Table,
                        Cities::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_policy_cities_city_id",
                PolicyCities::Table,
                &["city_id"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(PolicyCompanies::Table)
                    .col(integer(PolicyCompanies::PolicyId))
                    .col(integer(PolicyCompanies::CompanyId))
                    .col(string(PolicyCompanies::Relation))
                    .primary_key(
                        Index::create()
                            .col(PolicyCompanies::PolicyId)
                            .col(PolicyCompanies::CompanyId),
                    )
                    .foreign_key(&mut fk(
                        PolicyCompanies::Table,
                        PolicyCompanies::PolicyId,
                        Policies::Table,
                        Policies::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        PolicyCompanies::Table,
                        PolicyCompanies::CompanyId,
                        Companies::Table,
                        Companies::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_policy_companies_company_id",
                PolicyCompanies::Table,
                &["company_id"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(CompanySanctions::Table)
                    .col(pk_auto(CompanySanctions::Id))
                    .col(string_uniq(CompanySanctions::Slug))
                    .col(integer(CompanySanctions::CompanyId))
                    .col(string(CompanySanctions::Authority))
                    .col(string(CompanySanctions::ListName))
                    .col(string(CompanySanctions::Action))
                    .col(integer_null(CompanySanctions::Year))
                    .col(text(CompanySanctions::Description))
                    .col(integer(CompanySanctions::SourceId))
                    .col(string(CompanySanctions::CitedIn))
                    .foreign_key(&mut fk(
                        CompanySanctions::Table,
                        CompanySanctions::CompanyId,
                        Companies::Table,
                        Companies::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        CompanySanctions::Table,
                        CompanySanctions::SourceId,
                        Sources::Table,
                        Sources::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("idx_company_sanctions_company_id", "company_id"),
            ("idx_company_sanctions_source_id", "source_id"),
            ("idx_company_sanctions_year", "year"),
            ("idx_company_sanctions_list_name", "list_name"),
        ] {
            manager
                .create_index(index_on(name, CompanySanctions::Table, &[col]))
                .await?;
        }

        manager
            .create_table(
                table_with_timestamps(Indicators::Table)
                    .col(pk_auto(Indicators::Id))
                    .col(string_uniq(Indicators::Code))
                    .col(string(Indicators::Name))
                    .col(text(Indicators::Description))
                    .col(string(Indicators::Unit))
                    .col(string(Indicators::Scale))
                    .col(string(Indicators::Measure))
                    .col(string(Indicators::Topic))
                    .col(text_null(Indicators::Caveat))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_indicators_topic",
                Indicators::Table,
                &["topic"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(Observations::Table)
                    .col(pk_auto(Observations::Id))
                    .col(integer(Observations::IndicatorId))
                    .col(integer(Observations::SubjectId))
                    .col(string(Observations::Period))
                    .col(integer(Observations::Year))
                    .col(string_null(Observations::Category))
                    .col(double(Observations::Value))
                    .col(string(Observations::ValueText))
                    .col(string(Observations::Unit))
                    .col(string(Observations::Scale))
                    .col(
                        string(Observations::Qualifier)
                            .check(in_list(Observations::Qualifier, QUALIFIERS)),
                    )
                    .col(
                        string(Observations::Status)
                            .check(in_list(Observations::Status, OBSERVATION_STATUSES)),
                    )
                    .col(integer(Observations::SourceId))
                    .col(text(Observations::CitedIn))
                    .col(text_null(Observations::Caveat))
                    .foreign_key(&mut fk(
                        Observations::Table,
                        Observations::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Observations::Table,
                        Observations::SubjectId,
                        Subjects::Table,
                        Subjects::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Observations::Table,
                        Observations::SourceId,
                        Sources::Table,
                        Sources::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        // NULL categories must collide too, and NULLs are distinct in a plain unique index
        // on both backends, so the key folds them with COALESCE. SeaQuery 1.0 cannot build
        // expression indexes for SQLite, so this one statement is written out; it is the
        // same SQL on both backends.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_observations_natural_key ON observations \
                 (indicator_id, subject_id, period, COALESCE(category, ''), source_id)",
            )
            .await?;
        for (name, cols) in [
            (
                "idx_observations_indicator_subject_year",
                &["indicator_id", "subject_id", "year"][..],
            ),
            ("idx_observations_subject_id", &["subject_id"][..]),
            ("idx_observations_source_id", &["source_id"][..]),
            ("idx_observations_year", &["year"][..]),
            ("idx_observations_status", &["status"][..]),
            ("idx_observations_category", &["category"][..]),
        ] {
            manager
                .create_index(index_on(name, Observations::Table, cols))
                .await?;
        }

        manager
            .create_table(
                table_with_timestamps(StrategicDimensions::Table)
                    .col(pk_auto(StrategicDimensions::Id))
                    .col(string_uniq(StrategicDimensions::Slug))
                    .col(integer_uniq(StrategicDimensions::Ordinal))
                    .col(string(StrategicDimensions::Dimension))
                    .col(text(StrategicDimensions::KeyDifference))
                    .col(integer(StrategicDimensions::SourceId))
                    .col(string(StrategicDimensions::CitedIn))
                    .foreign_key(&mut fk(
                        StrategicDimensions::Table,
                        StrategicDimensions::SourceId,
                        Sources::Table,
                        Sources::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_strategic_dimensions_source_id",
                StrategicDimensions::Table,
                &["source_id"],
            ))
            .await?;

        manager
            .create_table(
                table_with_timestamps(StrategicPositions::Table)
                    .col(pk_auto(StrategicPositions::Id))
                    .col(integer(StrategicPositions::DimensionId))
                    .col(integer(StrategicPositions::CountryId))
                    .col(text(StrategicPositions::Text))
                    .foreign_key(&mut fk(
                        StrategicPositions::Table,
                        StrategicPositions::DimensionId,
                        StrategicDimensions::Table,
                        StrategicDimensions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        StrategicPositions::Table,
                        StrategicPositions::CountryId,
                        Countries::Table,
                        Countries::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index_on(
                    "uq_strategic_positions_dimension_country",
                    StrategicPositions::Table,
                    &["dimension_id", "country_id"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index_on(
                "idx_strategic_positions_country_id",
                StrategicPositions::Table,
                &["country_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dependants first, so that no foreign key blocks a drop on either backend.
        let tables: [DynIden; 16] = [
            StrategicPositions::Table.into_iden(),
            StrategicDimensions::Table.into_iden(),
            Observations::Table.into_iden(),
            Indicators::Table.into_iden(),
            CompanySanctions::Table.into_iden(),
            PolicyCompanies::Table.into_iden(),
            PolicyCities::Table.into_iden(),
            Policies::Table.into_iden(),
            ProjectCompanies::Table.into_iden(),
            Projects::Table.into_iden(),
            Companies::Table.into_iden(),
            Cities::Table.into_iden(),
            Countries::Table.into_iden(),
            Regions::Table.into_iden(),
            Subjects::Table.into_iden(),
            Sources::Table.into_iden(),
        ];
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
