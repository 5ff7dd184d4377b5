// The check certificate (审批前信用核查证明) at /checks/<checkId>: the stored check, read with the
// key of the client that made it or of the credit office, laid out for A4 printing with its
// verification code; and the form anyone can use to verify a certificate's code, through the
// public endpoint (no key).
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var VERDICTS = {
    MANDATORY_RESTRICTION: '强制限制 Mandatory restriction', INCOMPLETE: '信息不完整 Incomplete',
    RECOMMENDED_RESTRICTION: '建议限制 Recommended restriction', INCENTIVE: '激励 Incentive', CLEAR: '无限制 Clear',
  };
  var ROLES = { LEGAL_REPRESENTATIVE: '法定代表人 legal representative', PRINCIPAL: '主要负责人 principal', DIRECTLY_RESPONSIBLE: '直接责任人 directly responsible person' };
  var CHECK = 'query Certificate($id: ID!) { platform { check(checkId: $id) { checkId checkedAt matter caseRef subjectId subjectKnown verdict explanation missingSources verificationCode clientId' +
    ' measures { code name mandatory kind legalBasis implementingDepartments reason evidence { record { department category decisionNo decidedOn validUntil } viaEnterprise viaRole } }' +
    ' suspendedMeasures { code name reason } } } }';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function time(iso) { return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'); }
  function facts(pairs) {
    var dl = el('dl', { class: 'facts' });
    pairs.forEach(function (p) { dl.appendChild(el('dt', {}, [p[0]])); dl.appendChild(el('dd', p[2] ? { id: p[2] } : {}, [p[1]])); });
    return dl;
  }

  function measureRows(measures) {
    var table = el('table', { class: 'measures' }, [el('thead', {}, [el('tr', {}, ['措施 Measure', '性质 Nature', '依据 Legal basis', '实施部门 Implemented by', '证据 Evidence'].map(function (h) { return el('th', {}, [h]); }))])]);
    var body = el('tbody');
    measures.forEach(function (m) {
      var evidence = el('ul', {}, m.evidence.map(function (e) {
        var r = e.record;
        var via = e.viaEnterprise ? '（经 via ' + e.viaEnterprise + '，' + (ROLES[e.viaRole] || e.viaRole) + '）' : '';
        return el('li', {}, [r.department + ' ' + r.category + ' ' + r.decisionNo + '，' + r.decidedOn + ' 至 ' + (r.validUntil || '—') + via]);
      }));
      body.appendChild(el('tr', {}, [
        el('td', {}, [el('strong', {}, [m.code]), el('br'), m.name]),
        el('td', {}, [(m.kind === 'PUNISHMENT' ? '惩戒 Punishment' : '激励 Incentive') + ' · ' + (m.mandatory ? '强制 Mandatory' : '推荐 Recommended')]),
        el('td', {}, [m.legalBasis]),
        el('td', {}, [m.implementingDepartments.join('、')]),
        el('td', {}, [evidence]),
      ]));
    });
    table.appendChild(body);
    return table;
  }

  function render(check, subjectName) {
    var article = document.getElementById('certificate');
    article.textContent = '';
    article.appendChild(el('h1', {}, ['审批前信用核查证明', el('small', {}, ['Certificate of a credit check before approval'])]));
    article.appendChild(el('p', { class: 'verdict verdict-' + check.verdict.toLowerCase(), id: 'verdict' }, ['核查结论 Verdict: ', el('strong', {}, [check.verdict]), ' · ' + (VERDICTS[check.verdict] || '')]));
    article.appendChild(facts([
      ['核查编号 Check id', check.checkId, 'check-id'],
      ['核查时间 Checked at', time(check.checkedAt)],
      ['审批事项 Approval matter', check.matter],
      ['审批案号 Case reference', check.caseRef],
      ['信用主体 Subject', check.subjectId + (subjectName ? ' · ' + subjectName : ''), 'subject'],
      ['核查发起方 Requested by', check.clientId],
      ['缺失来源 Sources that could not answer', check.missingSources.length ? check.missingSources.join(', ') : '无 none'],
      ['说明 Explanation', check.explanation],
    ]));
    article.appendChild(el('h2', {}, ['适用措施 Measures that apply (' + check.measures.length + ')']));
    article.appendChild(check.measures.length ? measureRows(check.measures) : el('p', {}, ['无 None.']));
    if (check.suspendedMeasures.length) {
      article.appendChild(el('h2', {}, ['暂停执行 Suspended while an objection is verified']));
      article.appendChild(el('ul', {}, check.suspendedMeasures.map(function (m) { return el('li', {}, [m.code + ' ' + m.name + '：' + m.reason]); })));
    }
    article.appendChild(el('section', { class: 'code-box' }, [
      el('h2', {}, ['核验码 Verification code']),
      el('p', { class: 'code', id: 'verification-code' }, [check.verificationCode]),
      el('p', {}, ['任何人可在 ' + location.origin + '/checks/verify 或通过 platform { verifyCheck(code) } 向信用办核验本证明是否与留存的核查记录一致。Anyone can confirm with the credit office at ' + location.origin + '/checks/verify, or with platform { verifyCheck(code) }, that this certificate matches the stored check.']),
    ]));
    article.appendChild(el('p', { class: 'issuer' }, ['湖南省社会信用体系建设领导小组办公室（省信用办）· 依据湘政发〔2017〕5号 · 打印时间 Printed ' + time(new Date().toISOString())]));
  }

  function open(key) {
    var article = document.getElementById('certificate');
    article.textContent = '加载中 Loading…';
    KeyEntry.graphql(key, CHECK, { id: page.checkId }).then(function (body) {
      var check = body.data && body.data.platform && body.data.platform.check;
      if (!check) throw new Error((body.errors && body.errors[0] && body.errors[0].message) || 'no such check');
      if (!/^[0-9]/.test(check.subjectId) || /^9/.test(check.subjectId)) {
        // An enterprise's registered name, if market regulation knows it; the certificate stands without it.
        return KeyEntry.graphql(key, 'query Name($id: ID!) { subject(id: $id) { market { registration { name } } } }', { id: check.subjectId })
          .then(function (b) { var s = b.data && b.data.subject; return render(check, s && s.market && s.market.registration ? s.market.registration.name : null); },
            function () { return render(check, null); });
      }
      render(check, null);
    }).catch(function (err) {
      article.textContent = '无法显示 Cannot show this certificate: ' + err.message;
    });
  }

  document.getElementById('verify-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var result = document.getElementById('verify-result');
    var code = document.getElementById('code').value;
    result.className = '';
    result.textContent = '核验中 Verifying…';
    fetch('/public/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Verify($code: String!) { platform { verifyCheck(code: $code) { checkId checkedAt matter caseRef subjectId verdict measureCodes suspendedMeasureCodes missingSources issuedBy } } }', variables: { code: code } }),
    }).then(function (res) { return res.json(); }).then(function (body) {
      var v = body.data && body.data.platform && body.data.platform.verifyCheck;
      result.textContent = '';
      if (!v) {
        result.className = 'refused';
        result.appendChild(el('strong', {}, ['核验未通过 Not verified']));
        result.appendChild(el('p', {}, [(body.errors && body.errors[0] && body.errors[0].message) || 'refused']));
        return;
      }
      result.className = 'verified';
      result.appendChild(el('strong', {}, ['核验通过：与留存的核查记录一致 Genuine: matches the stored check']));
      result.appendChild(facts([
        ['核查编号 Check id', v.checkId], ['核查时间 Checked at', time(v.checkedAt)], ['审批事项 Matter', v.matter], ['审批案号 Case', v.caseRef],
        ['信用主体 Subject', v.subjectId], ['结论 Verdict', v.verdict + ' · ' + (VERDICTS[v.verdict] || '')],
        ['措施 Measures', v.measureCodes.join(', ') || '—'], ['出具方 Issued by', v.issuedBy],
      ]));
    }).catch(function (err) {
      result.className = 'refused';
      result.textContent = '核验失败 Could not verify: ' + err.message;
    });
  });

  if (page.checkId) {
    document.getElementById('print').addEventListener('click', function () { window.print(); });
    KeyEntry.start({
      roles: ['APPROVAL_SYSTEM', 'CREDIT_OFFICE'],
      refusal: function (viewer) {
        return '核查证明仅供核查发起方和信用办查看 A certificate is for the client that made the check and the credit office; this key is ' + (viewer ? viewer.clientId + ' · ' + viewer.role : 'not accepted') + '.';
      },
      onReady: open,
    });
  }
})();
