// Starts GraphiQL on the City Atlas endpoint with the paper's example queries as tabs.
// Served from the binary like the libraries it uses, so the page loads no remote code.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);

  // GraphiQL restores the tabs saved in localStorage over `defaultTabs`, so a visitor
  // from before an upgrade would never see new or corrected example queries.
  try {
    var seen = 'cityatlas:examples-version';
    if (window.localStorage.getItem(seen) !== config.examplesVersion) {
      window.localStorage.removeItem('graphiql:tabState');
      window.localStorage.removeItem('graphiql:query');
      window.localStorage.setItem(seen, config.examplesVersion);
    }
  } catch (storageUnavailable) {
    // Private windows may refuse storage; GraphiQL then keeps its state in memory.
  }

  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var tabs = config.examples.map(function (example) {
    return { query: example.query };
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      defaultTabs: tabs,
      defaultQuery: tabs.length > 0 ? tabs[0].query : undefined,
      plugins: [GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false })],
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
