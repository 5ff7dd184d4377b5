// GraphiQL for analysts (served by the gateway at /graphiql). Asks for the API key once, keeps it
// in sessionStorage (this browser tab only, gone when the tab closes), and opens GraphiQL with the
// example operations; every request carries `Authorization: Bearer <key>`. The key is never put
// in GraphiQL's headers editor, whose content GraphiQL may persist.
(function () {
  'use strict';
  var STORAGE_KEY = 'credit-federation:api-key';
  var examples = JSON.parse(document.getElementById('examples').textContent);
  var form = document.getElementById('key-form');
  var input = document.getElementById('api-key');
  var message = document.getElementById('key-message');
  var who = document.getElementById('who');
  var host = document.getElementById('graphiql');

  function askForKey(text) {
    document.body.classList.remove('has-key');
    message.textContent = text || '';
    input.focus();
  }

  /** Who the key belongs to; rejects when the gateway does not know it. */
  function identify(key) {
    return fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key },
      body: JSON.stringify({ query: '{ viewer { clientId role department } }' }),
    }).then(function (res) {
      if (res.status === 401) throw new Error('密钥无效 This key is not known to the gateway.');
      return res.json().then(
        function (body) { return (body && body.data && body.data.viewer) || null; },
        function () { return null; },
      );
    });
  }

  /** GraphiQL explores the schema by introspection, which only these roles may use. */
  var EXPLORER_ROLES = ['ANALYST', 'CREDIT_OFFICE'];

  function explorerOnly(viewer) {
    if (!viewer || EXPLORER_ROLES.indexOf(viewer.role) < 0) {
      throw new Error('GraphiQL 仅供分析人员和信用办使用 GraphiQL is for analysts and the credit office; this key is ' +
        (viewer ? viewer.clientId + ' · ' + viewer.role : 'not accepted') + '.');
    }
    return viewer;
  }

  function open(key) {
    message.textContent = '';
    identify(key).then(explorerOnly).then(
      function (viewer) {
        sessionStorage.setItem(STORAGE_KEY, key);
        who.textContent = viewer.clientId + ' · ' + viewer.role;
        document.body.classList.add('has-key');
        var fetcher = GraphiQL.createFetcher({ url: '/graphql', headers: { Authorization: 'Bearer ' + key } });
        // GraphiQL 3 opens its first tab without that tab's variables: hand them over, but only on
        // a first visit (no stored tabs), since they would otherwise add a tab on every visit.
        var firstVisit = localStorage.getItem('graphiql:tabState') === null;
        ReactDOM.createRoot(host).render(
          React.createElement(
            GraphiQL,
            {
              fetcher: fetcher,
              defaultTabs: examples,
              variables: firstVisit ? examples[0].variables : undefined,
              defaultEditorToolsVisibility: 'variables',
              isHeadersEditorEnabled: false,
              shouldPersistHeaders: false,
            },
            React.createElement(GraphiQL.Logo, null, '信用联合奖惩'),
          ),
        );
      },
      function (err) {
        sessionStorage.removeItem(STORAGE_KEY);
        askForKey(err.message);
      },
    );
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var key = input.value.trim();
    input.value = '';
    if (key) open(key);
  });
  document.getElementById('forget').addEventListener('click', function () {
    sessionStorage.removeItem(STORAGE_KEY);
    location.reload();
  });

  var stored = sessionStorage.getItem(STORAGE_KEY);
  if (stored) open(stored);
  else askForKey();
})();
