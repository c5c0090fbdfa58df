// A global ID that names nothing, beside a field that always answers. The spec's answer:
// `"node": null` plus an error at ["node"]; `apiVersion` untouched.
const { graphql } = require('relay-runtime');

module.exports = graphql`
  query NodeJunkQuery {
    apiVersion
    node(id: "junk") {
      id
    }
  }
`;
