// Starts GraphiQL on the City Atlas endpoint with the paper's example queries as tabs, and
// a toolbar button that downloads the response pane's result as CSV.
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

  // The result in the response pane as CSV rows: the largest list of objects in `data`
  // (Table 1's rows, a page of observations), or `data` itself as one row; nested fields
  // become dotted columns (`source.citation`, `positions.0.text`), so the citations a
  // query selects travel with the numbers.
  function tableOf(data) {
    var best = null;
    (function visit(value) {
      if (Array.isArray(value)) {
        var objects = value.filter(function (item) {
          return item !== null && typeof item === 'object' && !Array.isArray(item);
        });
        if (objects.length > 0 && (best === null || objects.length > best.length)) {
          best = objects;
        }
        value.forEach(visit);
      } else if (value !== null && typeof value === 'object') {
        Object.keys(value).forEach(function (key) {
          visit(value[key]);
        });
      }
    })(data);
    return best || [data];
  }

  function flatten(value, prefix, row) {
    if (Array.isArray(value)) {
      var scalars = value.every(function (item) {
        return item === null || typeof item !== 'object';
      });
      if (scalars) {
        row[prefix] = value.join(' | ');
      } else {
        value.forEach(function (item, index) {
          flatten(item, prefix + '.' + index, row);
        });
      }
    } else if (value !== null && typeof value === 'object') {
      Object.keys(value).forEach(function (key) {
        flatten(value[key], prefix ? prefix + '.' + key : key, row);
      });
    } else {
      row[prefix || 'value'] = value;
    }
    return row;
  }

  function downloadCsv(responseText, name) {
    var result = JSON.parse(responseText);
    if (!result || result.data === null || typeof result.data !== 'object') {
      return false;
    }
    var rows = tableOf(result.data).map(function (item) {
      return flatten(item, '', {});
    });
    var fields = [];
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (key) {
        if (fields.indexOf(key) < 0) fields.push(key);
      });
    });
    // Papa Parse quotes as RFC 4180 asks and ends lines with CRLF.
    var csv = Papa.unparse({ fields: fields, data: rows }, { newline: '\r\n' });
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    link.download = (name || 'result') + '.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 0);
    return true;
  }

  function CsvButton() {
    var editors = GraphiQL.React.useEditorContext({ nonNull: true });
    return React.createElement(
      GraphiQL.React.ToolbarButton,
      {
        label: 'Download the result as CSV',
        onClick: function () {
          var response = editors.responseEditor ? editors.responseEditor.getValue() : '';
          var tab = editors.tabs[editors.activeTabIndex];
          try {
            if (!response || !downloadCsv(response, tab && tab.title)) {
              window.alert('Run the query first: the CSV is made from its result.');
            }
          } catch (notJson) {
            window.alert('The result is not JSON, so it cannot be made into CSV.');
          }
        },
      },
      React.createElement('span', { className: 'cityatlas-csv', 'aria-hidden': true }, 'CSV')
    );
  }

  var endpoint = new URL(config.endpoint, window.location.href).toString();
  // Subscriptions go over a WebSocket to the same endpoint, in graphql-transport-ws; the
  // socket opens when the first subscription runs.
  var socketEndpoint = endpoint.replace(/^http/, 'ws');
  var wsClient = graphqlWs.createClient({ url: socketEndpoint, lazy: true });
  var tabs = config.examples.map(function (example) {
    return { query: example.query };
  });
  var toolbar = React.createElement(GraphiQL.Toolbar, null, function (defaults) {
    return React.createElement(
      React.Fragment,
      null,
      defaults.prettify,
      defaults.merge,
      defaults.copy,
      React.createElement(CsvButton)
    );
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(
      GraphiQL,
      {
        fetcher: GraphiQL.createFetcher({ url: endpoint, wsClient: wsClient }),
        defaultTabs: tabs,
        defaultQuery: tabs.length > 0 ? tabs[0].query : undefined,
        plugins: [GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false })],
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      },
      toolbar
    )
  );
})();
