//! Named example queries: the paper's tables and figures, each reproducible with one query.
//! GraphiQL opens them as tabs and the README lists them; a test runs every one.

pub struct Example {
    pub name: &'static str,
    pub title: &'static str,
    pub query: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        name: "Table1StrategicComparison",
        title: "Table 1: strategic comparison",
        query: include_str!("examples/table1.graphql"),
    },
    Example {
        name: "Table2MarketCompetitiveness",
        title: "Table 2: market competitiveness",
        query: include_str!("examples/table2.graphql"),
    },
    Example {
        name: "Fig1AiMarketSize",
        title: "Fig. 1: AI market size",
        query: include_str!("examples/fig1.graphql"),
    },
    Example {
        name: "Fig2NewUnicorns",
        title: "Fig. 2: new unicorns per year",
        query: include_str!("examples/fig2.graphql"),
    },
    Example {
        name: "Fig3UnicornsByIndustry",
        title: "Fig. 3: unicorns by industry",
        query: include_str!("examples/fig3.graphql"),
    },
    Example {
        name: "UsShareOfAiEnterprises",
        title: "Derived: US share of AI enterprises",
        query: include_str!("examples/share.graphql"),
    },
    Example {
        name: "CheckAFigure",
        title: "Fact check: China's AI market in 2024",
        query: include_str!("examples/check.graphql"),
    },
];
