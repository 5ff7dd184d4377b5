// The key entry of the pages for clients (dashboard, certificate), the same as GraphiQL's: the key
// is asked for once, kept in sessionStorage under the same name as GraphiQL's (this browser tab
// only, gone when the tab closes) and sent as `Authorization: Bearer <key>`.
(function () {
  'use strict';
  var STORAGE_KEY = 'credit-federation:api-key';

  /** Posts a GraphQL operation with the key; resolves the body, rejects with the first error's message. */
  function graphql(key, query, variables) {
    return fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    }).then(function (res) {
      if (res.status === 401) throw new Error('密钥无效 This key is not known to the gateway.');
      return res.json().then(function (body) {
        if (body.errors && body.errors.length && !body.data) throw new Error(body.errors[0].message);
        return body;
      });
    });
  }

  /**
   * Asks for the key, checks that its role is among `roles` and calls `onReady(key, viewer)`;
   * `refusal(viewer)` is the message for another role.
   */
  function start(options) {
    var form = document.getElementById('key-form');
    var input = document.getElementById('api-key');
    var message = document.getElementById('key-message');
    var who = document.getElementById('who');

    function askForKey(text) {
      document.body.classList.remove('has-key');
      message.textContent = text || '';
      input.focus();
    }

    function open(key) {
      message.textContent = '';
      graphql(key, '{ viewer { clientId role department } }').then(function (body) {
        var viewer = body.data && body.data.viewer;
        if (!viewer || options.roles.indexOf(viewer.role) < 0) throw new Error(options.refusal(viewer));
        sessionStorage.setItem(STORAGE_KEY, key);
        who.textContent = viewer.clientId + ' · ' + viewer.role;
        document.body.classList.add('has-key');
        options.onReady(key, viewer);
      }).catch(function (err) {
        sessionStorage.removeItem(STORAGE_KEY);
        askForKey(err.message);
      });
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
  }

  window.KeyEntry = { start: start, graphql: graphql };
})();
