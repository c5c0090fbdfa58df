// An ordinary page: an indicator with its figures, each with its subject (an interface)
// and its source's citation. Must come back complete, with no errors.
const { graphql } = require('relay-runtime');

module.exports = graphql`
  query IndicatorFiguresQuery {
    indicator(code: "ai_market_size") {
      code
      name
      unit
      scale
      observations(first: 20) {
        totalCount
        edges {
          node {
            value
            formatted
            period
            status
            subject {
              key
              name
            }
            source {
              citation(style: APA)
            }
          }
        }
      }
    }
  }
`;
