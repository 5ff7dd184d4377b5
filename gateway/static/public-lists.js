// The public red and black lists (红黑名单公示) at /public: no key, every request through the
// rate-limited public endpoint. A page of one department's list at a time with the total; a search
// by enterprise name (through market regulation's registrations) or by credit code. Persons'
// identity numbers come masked and cannot be searched.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var NAMES = { tax: '税务 Tax', market: '市场监管 Market regulation', courts: '法院 Courts', finance: '财政金融 Finance', ecology: '生态环境 Ecology' };
  var PAGE_SIZE = 20;
  var CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
  var state = { offset: 0, total: 0, codes: null };

  function ask(query, variables) {
    return fetch('/public/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: query, variables: variables }) })
      .then(function (res) {
        if (res.status === 429) throw new Error('请求过于频繁，请稍后再试 Too many requests: please wait a moment (' + (res.headers.get('retry-after') || '?') + ' s)');
        return res.json();
      })
      .then(function (body) {
        if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
        return body.data;
      });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  var form = document.getElementById('search');
  var select = document.getElementById('department');
  page.departments.forEach(function (d) { select.appendChild(el('option', { value: d }, [NAMES[d] || d])); });
  var summary = document.getElementById('summary');
  var list = document.getElementById('entries');

  function listType() { return form.querySelector('input[name=listType]:checked').value; }

  /** The credit codes a search names: the code typed, or the enterprises whose name contains the text. */
  function codesFor(text) {
    var q = text.trim().toUpperCase();
    if (!q) return Promise.resolve({ codes: null, note: '' });
    if (CREDIT_CODE.test(q)) return Promise.resolve({ codes: [q], note: '' });
    if (/^[0-9]{15,18}X?$/.test(q)) return Promise.reject(new Error('不提供按个人身份证号码查询 The lists cannot be searched by a person\'s identity number: enter an enterprise name or credit code.'));
    return ask('query Enterprises($name: String!) { market { publicEnterprises(name: $name, limit: 100) { total enterprises { id name } } } }', { name: text.trim() })
      .then(function (data) {
        var found = data.market.publicEnterprises;
        return { codes: found.enterprises.map(function (e) { return e.id; }), note: found.total > found.enterprises.length ? '名称匹配企业过多，仅查询前 ' + found.enterprises.length + ' 家，请输入更完整的名称 More than ' + found.enterprises.length + ' enterprises match: only the first are searched; type more of the name. ' : '' };
      });
  }

  function show() {
    var department = select.value;
    summary.textContent = '查询中 Loading…';
    var variables = { type: listType(), ids: state.codes, offset: state.offset, limit: PAGE_SIZE };
    var query = 'query List($type: ListType!, $ids: [ID!], $offset: Int, $limit: Int) { ' + department +
      ' { publicListPage(listType: $type, subjectIds: $ids, offset: $offset, limit: $limit) { total offset entries { subjectId category categoryName listType decisionNo decidedOn validUntil } } } }';
    if (state.codes && state.codes.length === 0) return render({ total: 0, offset: 0, entries: [] }, {});
    return ask(query, variables).then(function (data) {
      var result = data[department].publicListPage;
      var codes = result.entries.map(function (e) { return e.subjectId; }).filter(function (id) { return CREDIT_CODE.test(id); });
      if (!codes.length) return render(result, {});
      return ask('query Names($ids: [ID!]!) { market { publicEnterprises(ids: $ids, limit: 100) { enterprises { id name } } } }', { ids: codes })
        .then(function (d) {
          var names = {};
          d.market.publicEnterprises.enterprises.forEach(function (e) { names[e.id] = e.name; });
          render(result, names);
        }, function () { render(result, {}); });
    }).catch(function (err) { summary.textContent = err.message; list.textContent = ''; });
  }

  function render(result, names) {
    state.total = result.total;
    list.textContent = '';
    var first = result.total === 0 ? 0 : state.offset + 1;
    var last = state.offset + result.entries.length;
    summary.textContent = (state.note || '') + (NAMES[select.value] || select.value) + ' · ' + (listType() === 'BLACK' ? '黑名单 Black list' : '红名单 Red list') +
      '：共 ' + result.total + ' 条，第 ' + first + '–' + last + ' 条 · ' + result.total + ' entries, showing ' + first + '–' + last;
    result.entries.forEach(function (e) {
      list.appendChild(el('li', { class: 'entry ' + e.listType.toLowerCase() }, [
        el('h3', {}, [names[e.subjectId] || (CREDIT_CODE.test(e.subjectId) ? '企业 Enterprise' : '自然人 Natural person')]),
        el('dl', {}, [
          el('dt', {}, ['主体 Subject']), el('dd', { class: 'subject' }, [e.subjectId]),
          el('dt', {}, ['类别 Category']), el('dd', {}, [e.categoryName]),
          el('dt', {}, ['决定文书号 Decision no.']), el('dd', { class: 'decision' }, [e.decisionNo]),
          el('dt', {}, ['决定日期 Decided on']), el('dd', {}, [e.decidedOn]),
          el('dt', {}, ['有效期至 Valid until']), el('dd', {}, [e.validUntil || '至解除 until lifted']),
        ]),
        el('p', { class: 'how-to-object' }, ['异议 Objection: 向' + (NAMES[select.value] || select.value) + '或省信用办提出，注明决定文书号 ' + e.decisionNo + '；20日内核实，核实期间暂停惩戒。File with the department or the credit office, citing the decision number; verified within 20 days, punishments suspended meanwhile.']),
      ]));
    });
    document.getElementById('page').textContent = result.total === 0 ? '' : '第 ' + (Math.floor(state.offset / PAGE_SIZE) + 1) + ' / ' + Math.max(1, Math.ceil(result.total / PAGE_SIZE)) + ' 页 page';
    document.getElementById('prev').disabled = state.offset === 0;
    document.getElementById('next').disabled = last >= result.total;
  }

  function search() {
    state.offset = 0;
    summary.textContent = '查询中 Loading…';
    codesFor(document.getElementById('q').value).then(function (found) {
      state.codes = found.codes;
      state.note = found.note;
      return show();
    }).catch(function (err) { summary.textContent = err.message; list.textContent = ''; });
  }

  form.addEventListener('submit', function (event) { event.preventDefault(); search(); });
  select.addEventListener('change', function () { state.offset = 0; show(); });
  form.querySelectorAll('input[name=listType]').forEach(function (r) { r.addEventListener('change', function () { state.offset = 0; show(); }); });
  document.getElementById('prev').addEventListener('click', function () { state.offset = Math.max(0, state.offset - PAGE_SIZE); show(); });
  document.getElementById('next').addEventListener('click', function () { state.offset += PAGE_SIZE; show(); });
  search();
})();
