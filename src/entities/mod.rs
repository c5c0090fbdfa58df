//! SeaORM entities: the storage model. The public GraphQL types convert from these and
//! never expose them directly.

pub mod city;
pub mod company;
pub mod company_sanction;
pub mod country;
pub mod indicator;
pub mod observation;
pub mod policy;
pub mod policy_city;
pub mod policy_company;
pub mod project;
pub mod project_company;
pub mod region;
pub mod source;
pub mod strategic_dimension;
pub mod strategic_position;
pub mod subject;
