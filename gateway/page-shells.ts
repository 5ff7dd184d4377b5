/**
 * The HTML of the gateway's pages for people: the tracking dashboard, the check certificate and
 * the public lists. Each is a shell: its script fetches the data from GraphQL with the viewer's key
 * (or from the public endpoint), so the access policy decides what it shows. Every file comes from
 * the gateway itself (`/pages/assets/`).
 */

/** JSON inside a <script> element: `<` escaped so no string can close the element. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(title: string, body: string, scripts: readonly string[], data: Record<string, unknown>, css: readonly string[] = ['pages.css']): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · 信用联合奖惩 Credit federation</title>
${css.map((c) => `<link rel="stylesheet" href="/pages/assets/${c}">`).join('\n')}
</head>
<body>
${body}
<script id="page-data" type="application/json">${scriptJson(data)}</script>
${scripts.map((s) => `<script src="/pages/assets/${s}"></script>`).join('\n')}
</body>
</html>
`;
}

/** The key form every page for clients shares: the same key, in the same tab storage, as GraphiQL. */
const KEY_FORM = `<form id="key-form" class="key-form" autocomplete="off">
    <label for="api-key">API 密钥 API key</label>
    <input id="api-key" name="api-key" type="password" spellcheck="false" required>
    <button type="submit">打开 Open</button>
    <span id="key-message" class="key-message" role="alert"></span>
  </form>
  <span class="signed-in"><span id="who"></span><button id="forget" type="button">更换密钥 Change key</button></span>`;

export function dashboardPage(departments: readonly string[], today: string): string {
  return shell(
    '跟踪问效 Tracking dashboard',
    `<header class="bar">
  <span class="title">跟踪问效 · Tracking dashboard</span>
  ${KEY_FORM}
  <nav><a href="/graphiql">GraphiQL</a><a href="/status">系统状态 Status</a></nav>
</header>
<main id="dashboard">
  <p class="hint when-signed-out">信用办和分析人员输入密钥后查看。For the credit office and analysts: enter your key (it is kept in this tab only).</p>
  <form id="filters" class="filters">
    <label>起 From <input id="from" type="date" required></label>
    <label>止 To <input id="to" type="date" required></label>
    <label>部门 Department <select id="department"><option value="">全部 All</option></select></label>
    <button type="submit">应用 Apply</button>
    <span id="status" class="status" role="status"></span>
  </form>
  <div id="charts" class="charts"></div>
</main>`,
    ['echarts.min.js', 'key-entry.js', 'dashboard.js'],
    { departments, today },
  );
}

export function certificatePage(checkId: string | null): string {
  return shell(
    checkId ? `核查证明 Check certificate ${checkId}` : '核验核查证明 Verify a check certificate',
    `<header class="bar no-print">
  <span class="title">审批前信用核查证明 · Check certificate</span>
  ${checkId ? KEY_FORM : ''}
  ${checkId ? '<button id="print" type="button" class="when-signed-in">打印 Print</button>' : ''}
</header>
<main class="certificate-main">
  ${checkId ? `<p class="hint when-signed-out no-print">核查发起方和信用办输入密钥后查看。The client that made the check and the credit office: enter your key.</p>
  <article id="certificate" class="certificate when-signed-in" aria-live="polite"></article>` : ''}
  <section id="verify" class="verify no-print">
    <h2>核验证明 Verify a certificate</h2>
    <p>持有核查证明的任何人都可向信用办核验其是否与留存的核查记录一致、是否被篡改。Anyone holding a certificate can confirm with the credit office that it matches the stored check and was not altered.</p>
    <form id="verify-form" autocomplete="off">
      <label for="code">核验码 Verification code</label>
      <input id="code" name="code" required spellcheck="false" placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx-XXXX-XXXX-XXXX-XXXX">
      <button type="submit">核验 Verify</button>
    </form>
    <div id="verify-result" role="status"></div>
  </section>
</main>`,
    ['key-entry.js', 'certificate.js'],
    { checkId },
    ['pages.css', 'certificate.css'],
  );
}

export function publicListsPage(departments: readonly string[]): string {
  return shell(
    '信用红黑名单 Red and black lists',
    `<header class="bar public">
  <span class="title">信用红黑名单公示 · Published red and black lists</span>
</header>
<main class="public-main">
  <form id="search" class="search" role="search" autocomplete="off">
    <div class="list-type" role="radiogroup" aria-label="名单 List">
      <label><input type="radio" name="listType" value="BLACK" checked> 黑名单 Black list</label>
      <label><input type="radio" name="listType" value="RED"> 红名单 Red list</label>
    </div>
    <label class="department">部门 Department <select id="department"></select></label>
    <label class="query">企业名称或统一社会信用代码 Enterprise name or credit code
      <input id="q" name="q" type="search" maxlength="100" placeholder="如 恒通达 / 91430100MA4L0L0000"></label>
    <button type="submit">查询 Search</button>
  </form>
  <p id="summary" class="summary" role="status"></p>
  <ol id="entries" class="entries"></ol>
  <nav class="pager" aria-label="分页 Pages">
    <button id="prev" type="button">上一页 Previous</button>
    <span id="page"></span>
    <button id="next" type="button">下一页 Next</button>
  </nav>
  <section class="objection">
    <h2>如何提出异议 How to object</h2>
    <p>对公示信息有异议的，信用主体可向作出决定的部门或省信用办提出异议申请，写明决定文书号和理由。部门自收到之日起20日内核实，错误信息及时更正或撤销；核实期间暂停执行联合惩戒措施（湘政发〔2017〕5号 二(四)6）。</p>
    <p>A subject that disputes an entry files an objection with the deciding department or the provincial credit office, naming the decision number and its grounds. The department verifies it within 20 days and corrects or revokes wrong data; joint punishments resting on the entry are suspended meanwhile.</p>
    <p>个人身份证号码已作脱敏处理，本页不提供按个人身份证号码查询。Identity numbers of persons are masked; the lists cannot be searched by a person's identity number.</p>
  </section>
</main>`,
    ['public-lists.js'],
    { departments },
  );
}
