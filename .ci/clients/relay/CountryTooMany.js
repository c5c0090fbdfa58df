// `first: 1000` is out of range (1 to 100): the field errors with BAD_USER_INPUT, and as
// `observations` is non-null the error propagates to the nullable `country`, which must
// then be `null`, not a country without `observations`.
const { graphql } = require('relay-runtime');

module.exports = graphql`
  query CountryTooManyQuery {
    country(code: "CN") {
      code
      observations(first: 1000) {
        totalCount
      }
    }
  }
`;
