// A paginated list as a Relay app writes it: a @refetchable fragment on Query with a
// @connection. relay-compiler generates ObservationsPagePaginationQuery from it (adding
// cursor, pageInfo, __typename and id where Relay needs them); check.mjs sends that query
// with count 100, a full page, which the cost limit must accept.
const { graphql } = require('relay-runtime');

module.exports = graphql`
  fragment ObservationsPage_query on Query
  @refetchable(queryName: "ObservationsPagePaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  ) {
    observations(first: $count, after: $cursor)
      @connection(key: "ObservationsPage_observations") {
      totalCount
      edges {
        node {
          id
          value
          valueText
          unit
          scale
          qualifier
          formatted
          period
          year
          category
          status
          citedIn
          caveats
          subject {
            key
            name
          }
          indicator {
            code
          }
          source {
            citation(style: APA)
          }
        }
      }
    }
  }
`;
