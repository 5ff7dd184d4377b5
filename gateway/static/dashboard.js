// The tracking dashboard (跟踪问效) for the credit office and analysts, served by the gateway at
// /dashboard. Every figure comes from GraphQL with the viewer's key (the platform's and each
// department's statistics), the sources' availability from the gateway's own history; charts are
// drawn with Apache ECharts, each downloadable as PNG and its data as CSV.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var DEPARTMENT_NAMES = { tax: '税务 Tax', market: '市场监管 Market regulation', courts: '法院 Courts', finance: '财政金融 Finance', ecology: '生态环境 Ecology' };
  var LIST_TYPES = { RED: '红名单 Red', BLACK: '黑名单 Black', WATCH: '重点关注 Watch' };
  var VERDICTS = [
    ['MANDATORY_RESTRICTION', '强制限制 Mandatory restriction', '#c0392b'],
    ['INCOMPLETE', '信息不完整 Incomplete', '#7f8c8d'],
    ['RECOMMENDED_RESTRICTION', '建议限制 Recommended restriction', '#e67e22'],
    ['INCENTIVE', '激励 Incentive', '#27ae60'],
    ['CLEAR', '无限制 Clear', '#2f80ed'],
  ];
  var MATTERS = {
    ADMINISTRATIVE_LICENSE: '行政许可 Licensing', FISCAL_FUNDS: '财政资金 Fiscal funds', PUBLIC_RESOURCE_TRADING: '公共资源交易 Bidding',
    GOVERNMENT_PROCUREMENT: '政府采购 Procurement', PROJECT_APPROVAL: '项目审批 Projects', HONORS: '评优评先 Honours',
    SECURITIES_ISSUANCE: '股债发行 Securities', FINANCIAL_INSTITUTION_SETUP: '设立金融机构 Financial institutions', FRANCHISE: '特许经营 Franchises',
    KEY_PROJECT: '重点项目 Key projects', INVESTMENT_PROMOTION: '招商引资 Investment', ROUTINE_INSPECTION: '日常检查 Inspections',
    FINANCIAL_SERVICES: '金融服务 Financial services', MARKET_ENTRY: '市场准入 Market entry', HIGH_CONSUMPTION: '高消费 High consumption',
    PUBLIC_SERVICES: '公共服务 Public services',
  };
  var charts = {};
  var apiKey = null;

  var departmentName = function (d) { return DEPARTMENT_NAMES[d] || d; };
  var matterName = function (m) { return MATTERS[m] || m; };
  var sum = function (list, f) { return list.reduce(function (n, x) { return n + f(x); }, 0); };
  var unique = function (list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }).sort(); };
  function isoDay(d) { return d.toISOString().slice(0, 10); }
  function addDays(day, n) { var d = new Date(day + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); }

  function status(text) { document.getElementById('status').textContent = text; }

  function selectedDepartments() {
    var chosen = document.getElementById('department').value;
    return chosen ? [chosen] : page.departments;
  }

  /** One operation for every figure: the platform's statistics and each department's. */
  function operation() {
    var parts = selectedDepartments().map(function (d) {
      return d + ' { listStatistics(from: $from, to: $to) { department month listType published late }' +
        ' caseStatistics(from: $from, to: $to) { department objectionsFiled objectionsUpheld objectionsCorrected objectionsRevoked objectionsOpen objectionsOverdue repairsApplied repairsApproved repairsRejected repairsPending }' +
        (d === 'market' ? ' doublePublicity(from: $from, to: $to, limit: 1) { decided lateCount unpublishedCount }' : '') + ' }';
    });
    return 'query Dashboard($from: String!, $to: String!, $department: String) {\n' +
      '  platform { checkWeeks(from: $from, to: $to, department: $department) { week matter verdict checks }\n' +
      '    missingSources(from: $from, to: $to, department: $department) { department checks missing incomplete incompleteShare }\n' +
      '    feedbackStatistics(from: $from, to: $to, department: $department) { implementingDepartment measures fedBack applied notApplied overdue } }\n  ' +
      parts.join('\n  ') + '\n}';
  }

  // Each chart: its title, and how it turns the data into an ECharts option and a CSV table.
  var CHARTS = [
    {
      id: 'lists', title: '名单发布（按月、部门、名单类型）List entries published per month, department and list type',
      build: function (data) {
        var rows = [];
        selectedDepartments().forEach(function (d) { ((data[d] || {}).listStatistics || []).forEach(function (r) { rows.push(r); }); });
        var months = unique(rows.map(function (r) { return r.month; }));
        var series = [];
        unique(rows.map(function (r) { return r.department; })).forEach(function (d) {
          ['BLACK', 'WATCH', 'RED'].forEach(function (t) {
            var of = rows.filter(function (r) { return r.department === d && r.listType === t; });
            if (!of.length) return;
            series.push({ name: departmentName(d) + ' · ' + LIST_TYPES[t], type: 'bar', stack: d, emphasis: { focus: 'series' },
              data: months.map(function (m) { var r = of.filter(function (x) { return x.month === m; })[0]; return r ? r.published : 0; }) });
          });
        });
        return {
          option: { tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { top: 40, left: 50, right: 20, bottom: 30 },
            xAxis: { type: 'category', data: months }, yAxis: { type: 'value', name: '条 entries' }, series: series },
          table: [['department', 'month', 'listType', 'published', 'late']].concat(rows.map(function (r) { return [r.department, r.month, r.listType, r.published, r.late]; })),
        };
      },
    },
    {
      id: 'late', title: '逾期公示（超过7个工作日）Published late: more than 7 working days after the decision',
      build: function (data) {
        var depts = selectedDepartments().filter(function (d) { return data[d]; });
        var lateEntries = depts.map(function (d) { return sum(data[d].listStatistics || [], function (r) { return r.late; }); });
        var published = depts.map(function (d) { return sum(data[d].listStatistics || [], function (r) { return r.published; }); });
        var lateDecisions = depts.map(function (d) { return data[d].doublePublicity ? data[d].doublePublicity.lateCount : 0; });
        var unpublished = depts.map(function (d) { return data[d].doublePublicity ? data[d].doublePublicity.unpublishedCount : 0; });
        return {
          option: { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { top: 40, left: 50, right: 20, bottom: 30 },
            xAxis: { type: 'category', data: depts.map(departmentName) }, yAxis: { type: 'value' },
            series: [
              { name: '名单条目逾期 Late list entries', type: 'bar', data: lateEntries, itemStyle: { color: '#c0392b' } },
              { name: '许可处罚逾期 Late licences and penalties', type: 'bar', data: lateDecisions, itemStyle: { color: '#e67e22' } },
              { name: '许可处罚未公示 Licences and penalties not published', type: 'bar', data: unpublished, itemStyle: { color: '#7f8c8d' } },
            ] },
          table: [['department', 'listEntriesPublished', 'listEntriesLate', 'decisionsLate', 'decisionsUnpublished']].concat(depts.map(function (d, i) { return [d, published[i], lateEntries[i], lateDecisions[i], unpublished[i]]; })),
        };
      },
    },
    {
      id: 'checks', title: '每周核查（按结论）Checks per week by verdict',
      build: function (data) {
        var rows = data.platform ? data.platform.checkWeeks : [];
        var weeks = unique(rows.map(function (r) { return r.week; }));
        return {
          option: { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { top: 40, left: 50, right: 20, bottom: 30 },
            xAxis: { type: 'category', data: weeks, name: '周 week' }, yAxis: { type: 'value', name: '次 checks' },
            series: VERDICTS.map(function (v) {
              return { name: v[1], type: 'bar', stack: 'verdict', itemStyle: { color: v[2] },
                data: weeks.map(function (w) { return sum(rows.filter(function (r) { return r.week === w && r.verdict === v[0]; }), function (r) { return r.checks; }); }) };
            }) },
          table: [['week', 'matter', 'verdict', 'checks']].concat(rows.map(function (r) { return [r.week, r.matter, r.verdict, r.checks]; })),
        };
      },
    },
    {
      id: 'matters', title: '各审批事项的核查结论 Checks per approval matter and verdict',
      build: function (data) {
        var rows = data.platform ? data.platform.checkWeeks : [];
        var matters = unique(rows.map(function (r) { return r.matter; }));
        var totals = [];
        matters.forEach(function (m) { VERDICTS.forEach(function (v) { totals.push([m, v[0], sum(rows.filter(function (r) { return r.matter === m && r.verdict === v[0]; }), function (r) { return r.checks; })]); }); });
        return {
          option: { tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, legend: { top: 0 }, grid: { top: 40, left: 140, right: 20, bottom: 30 },
            yAxis: { type: 'category', data: matters.map(matterName) }, xAxis: { type: 'value', name: '次 checks' },
            series: VERDICTS.map(function (v) {
              return { name: v[1], type: 'bar', stack: 'verdict', itemStyle: { color: v[2] },
                data: matters.map(function (m) { return totals.filter(function (t) { return t[0] === m && t[1] === v[0]; })[0][2]; }) };
            }) },
          table: [['matter', 'verdict', 'checks']].concat(totals.filter(function (t) { return t[2] > 0; })),
        };
      },
    },
    {
      id: 'incomplete', title: '信息不完整占比（按缺失部门）Share of checks INCOMPLETE per missing department',
      build: function (data) {
        var rows = data.platform ? data.platform.missingSources : [];
        return {
          option: { tooltip: { trigger: 'axis', valueFormatter: function (v) { return v + ' %'; } }, grid: { top: 30, left: 50, right: 20, bottom: 30 },
            xAxis: { type: 'category', data: rows.map(function (r) { return departmentName(r.department); }) }, yAxis: { type: 'value', name: '% of checks' },
            series: [{ name: '不完整占比 Share INCOMPLETE', type: 'bar', itemStyle: { color: '#7f8c8d' }, label: { show: true, position: 'top', formatter: '{c} %' },
              data: rows.map(function (r) { return Math.round(r.incompleteShare * 10000) / 100; }) }] },
          table: [['department', 'checks', 'missing', 'incomplete', 'incompleteShare']].concat(rows.map(function (r) { return [r.department, r.checks, r.missing, r.incomplete, r.incompleteShare]; })),
        };
      },
    },
    {
      id: 'feedback', title: '执行反馈（按实施部门）Execution feedback per implementing department',
      build: function (data) {
        var rows = data.platform ? data.platform.feedbackStatistics : [];
        var names = rows.map(function (r) { return r.implementingDepartment; });
        var bar = function (name, key, color) { return { name: name, type: 'bar', itemStyle: { color: color }, data: rows.map(function (r) { return r[key]; }) }; };
        return {
          option: { tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, legend: { top: 0 }, grid: { top: 40, left: 150, right: 20, bottom: 30 },
            yAxis: { type: 'category', data: names }, xAxis: { type: 'value', name: '项 measures' },
            series: [bar('应执行措施 Measures', 'measures', '#95a5a6'), bar('已反馈 Fed back', 'fedBack', '#2f80ed'), bar('已执行 Applied', 'applied', '#27ae60'), bar('逾期未反馈 Overdue', 'overdue', '#c0392b')] },
          table: [['implementingDepartment', 'measures', 'fedBack', 'applied', 'notApplied', 'overdue']].concat(rows.map(function (r) { return [r.implementingDepartment, r.measures, r.fedBack, r.applied, r.notApplied, r.overdue]; })),
        };
      },
    },
    {
      id: 'cases', title: '异议与修复（按部门）Objections and repairs per department',
      build: function (data) {
        var rows = selectedDepartments().map(function (d) { return data[d] && data[d].caseStatistics; }).filter(Boolean);
        var decided = function (r) { return r.objectionsUpheld + r.objectionsCorrected + r.objectionsRevoked; };
        var bar = function (name, f, color) { return { name: name, type: 'bar', itemStyle: { color: color }, data: rows.map(f) }; };
        return {
          option: { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { top: 40, left: 50, right: 20, bottom: 30 },
            xAxis: { type: 'category', data: rows.map(function (r) { return departmentName(r.department); }) }, yAxis: { type: 'value' },
            series: [
              bar('异议待核查 Objections open', function (r) { return r.objectionsOpen; }, '#e67e22'),
              bar('异议已办结 Objections decided', decided, '#27ae60'),
              bar('异议逾期 Objections overdue', function (r) { return r.objectionsOverdue; }, '#c0392b'),
              bar('修复待审 Repairs pending', function (r) { return r.repairsPending; }, '#9b59b6'),
              bar('已修复 Repairs approved', function (r) { return r.repairsApproved; }, '#2f80ed'),
            ] },
          table: [['department', 'objectionsFiled', 'objectionsOpen', 'objectionsDecided', 'objectionsOverdue', 'repairsApplied', 'repairsPending', 'repairsApproved', 'repairsRejected']]
            .concat(rows.map(function (r) { return [r.department, r.objectionsFiled, r.objectionsOpen, decided(r), r.objectionsOverdue, r.repairsApplied, r.repairsPending, r.repairsApproved, r.repairsRejected]; })),
        };
      },
    },
    {
      id: 'availability', title: '数据源可用率（近24小时，网关观测）Sources\' availability over the last day, as the gateway saw them',
      build: function (data) {
        var history = data.availability || { sources: [] };
        var chosen = document.getElementById('department').value;
        var sources = history.sources.filter(function (s) { return !chosen || s.name === chosen; });
        // Hourly: the slots of each hour added up.
        var hours = {};
        sources.forEach(function (s) { s.points.forEach(function (p) { hours[p.at.slice(0, 13)] = true; }); });
        var axis = Object.keys(hours).sort();
        var table = [['source', 'hour', 'ok', 'failed', 'availability']];
        var series = sources.map(function (s) {
          return { name: departmentName(s.name), type: 'line', connectNulls: false, showSymbol: true,
            data: axis.map(function (h) {
              var of = s.points.filter(function (p) { return p.at.slice(0, 13) === h; });
              var ok = sum(of, function (p) { return p.ok; });
              var failed = sum(of, function (p) { return p.failed; });
              var value = ok + failed === 0 ? null : Math.round((ok / (ok + failed)) * 10000) / 100;
              if (value !== null) table.push([s.name, h + ':00Z', ok, failed, value / 100]);
              return value;
            }) };
        });
        return {
          option: { tooltip: { trigger: 'axis', valueFormatter: function (v) { return v === null || v === undefined ? '—' : v + ' %'; } }, legend: { top: 0 }, grid: { top: 40, left: 50, right: 20, bottom: 30 },
            xAxis: { type: 'category', data: axis.map(function (h) { return h.slice(11, 13) + ':00'; }), name: 'UTC' }, yAxis: { type: 'value', min: 0, max: 100, name: '%' }, series: series },
          table: table,
        };
      },
    },
  ];

  function csvOf(table) {
    var cell = function (v) { var s = v === null || v === undefined ? '' : String(v); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
    // A byte-order mark, so spreadsheet programs read the Chinese names as UTF-8.
    return '\ufeff' + table.map(function (row) { return row.map(cell).join(','); }).join('\r\n') + '\r\n';
  }

  function download(name, href) {
    var a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function layout() {
    var host = document.getElementById('charts');
    CHARTS.forEach(function (c) {
      var section = document.createElement('section');
      section.className = 'chart';
      section.id = 'chart-' + c.id;
      section.innerHTML = '<header><h2></h2><span class="actions"><button type="button" class="png">PNG</button><button type="button" class="csv">CSV</button></span></header><div class="canvas"></div><p class="empty" hidden>所选期间无数据 No data in this period</p>';
      section.querySelector('h2').textContent = c.title;
      host.appendChild(section);
      charts[c.id] = { spec: c, section: section, chart: echarts.init(section.querySelector('.canvas')), table: [] };
      var name = function (ext) { return c.id + '_' + document.getElementById('from').value + '_' + document.getElementById('to').value + '.' + ext; };
      section.querySelector('.png').addEventListener('click', function () {
        download(name('png'), charts[c.id].chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }));
      });
      section.querySelector('.csv').addEventListener('click', function () {
        download(name('csv'), URL.createObjectURL(new Blob([csvOf(charts[c.id].table)], { type: 'text/csv;charset=utf-8' })));
      });
    });
    window.addEventListener('resize', function () { Object.keys(charts).forEach(function (id) { charts[id].chart.resize(); }); });
  }

  function load() {
    var from = document.getElementById('from').value;
    var to = document.getElementById('to').value;
    var department = document.getElementById('department').value || null;
    status('加载中 Loading…');
    document.body.classList.add('loading');
    var stats = KeyEntry.graphql(apiKey, operation(), { from: from, to: to, department: department });
    var availability = fetch('/dashboard/availability.json', { headers: { authorization: 'Bearer ' + apiKey } }).then(function (r) { return r.ok ? r.json() : null; });
    Promise.all([stats, availability]).then(function (results) {
      var body = results[0];
      var data = Object.assign({}, body.data || {}, { availability: results[1] });
      CHARTS.forEach(function (c) {
        var built = c.build(data);
        var entry = charts[c.id];
        entry.table = built.table;
        entry.chart.setOption(built.option, true);
        entry.section.dataset.rows = String(built.table.length - 1);
        entry.section.querySelector('.empty').hidden = built.table.length > 1;
      });
      var problems = (body.errors || []).map(function (e) { return e.message; });
      status(problems.length ? '部分数据不可用 Some figures are missing: ' + problems.join('; ') : '更新于 Updated ' + new Date().toLocaleTimeString('zh-CN'));
    }).catch(function (err) {
      status('加载失败 Could not load: ' + err.message);
    }).then(function () { document.body.classList.remove('loading'); });
  }

  function ready(key) {
    apiKey = key;
    if (!Object.keys(charts).length) layout();
    load();
  }

  var select = document.getElementById('department');
  page.departments.forEach(function (d) {
    var option = document.createElement('option');
    option.value = d;
    option.textContent = departmentName(d);
    select.appendChild(option);
  });
  document.getElementById('to').value = page.today;
  document.getElementById('from').value = addDays(page.today, -83);
  document.getElementById('filters').addEventListener('submit', function (event) {
    event.preventDefault();
    if (document.getElementById('from').value > document.getElementById('to').value) return status('起始日期晚于截止日期 From is after To');
    load();
  });

  KeyEntry.start({
    roles: ['ANALYST', 'CREDIT_OFFICE'],
    refusal: function (viewer) {
      return '跟踪问效仅供信用办和分析人员使用 The dashboard is for the credit office and analysts; this key is ' + (viewer ? viewer.clientId + ' · ' + viewer.role : 'not accepted') + '.';
    },
    onReady: ready,
  });
})();
