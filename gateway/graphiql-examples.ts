/** One tab GraphiQL opens with: an operation and its variables. */
export interface ExampleTab {
  query: string;
  variables: string;
}

const RECORD_FRAGMENT = `
fragment Record on CreditRecord {
  category listType status
  decisionNo decidedOn validUntil
}
`;

/**
 * The operations an analyst finds open in GraphiQL, in this order: the unified view of a subject,
 * the check before approval, a batch check, list queries and check statistics. The demo subjects are
 * enterprises of the README, given as variables: the page is served without a key, and analysts do
 * not look persons up by identity number; statistics cover the current year up to `today` (YYYY-MM-DD).
 */
export function exampleTabs(today: string): ExampleTab[] {
  const tabs: { query: string; variables: Record<string, unknown> }[] = [
    {
      query: `# 信用主体全景 The unified credit view of a subject:
# every department's records. Run with ▶ (Ctrl-Enter);
# the Docs pane (book icon, left) explains every field.
query SubjectView($id: ID!) {
  subject(id: $id) {
    id
    kind
    tax { known records { ...Record } }
    market {
      known
      registration { name status region }
      records { ...Record }
    }
    courts { known records { ...Record } }
    finance { known records { ...Record } }
  }
}
${RECORD_FRAGMENT}`,
      variables: { id: '91430100MA4L0L0000' },
    },
    {
      query: `# 审批前信用核查 The check before approval: which
# incentives and punishments apply, mandatory or
# recommended, with evidence and legal basis.
# Analysts see a preview (creditPreview): approval
# systems run creditCheck(matter, caseRef), which is
# recorded and can be cited and replayed (checkId).
query CheckBeforeApproval($id: ID!) {
  subject(id: $id) {
    creditPreview(matter: GOVERNMENT_PROCUREMENT) {
      verdict
      evaluatedAt
      subjectKnown
      missingSources
      explanation
      measures {
        code name mandatory legalBasis
        implementingDepartments reason
        evidence {
          record { department category decisionNo }
          viaEnterprise viaRole
        }
      }
      suspendedMeasures { code reason }
    }
  }
}
`,
      variables: { id: '91430100MA4L0L0000' },
    },
    {
      query: `# 批量核查 A bidding round checks every bidder
# at once (at most 1,000 ids); here as a preview.
query BatchCheck($ids: [ID!]!) {
  subjects(ids: $ids) {
    id
    creditPreview(matter: PUBLIC_RESOURCE_TRADING) {
      verdict missingSources
    }
  }
}
`,
      variables: { ids: ['91430100MA4L0L0000', '91430100MA4L0600XL', '91430100MA4L00003Q'] },
    },
    {
      query: `# 名单查询 Lists: current black, watch and red
# list records of each department.
query Lists {
  courts { records(listType: BLACK, limit: 20) { ...Listed } }
  market { records(listType: WATCH, limit: 20) { ...Listed } }
  tax { records(listType: RED, limit: 20) { ...Listed } }
  finance { records(listType: BLACK, limit: 20) { ...Listed } }
}

fragment Listed on CreditRecord {
  subjectId category listType status
  decisionNo decidedOn validUntil
}
`,
      variables: {},
    },
    {
      query: `# 统计 Statistics of the checks made: by matter,
# by region (division code) and by department.
query Statistics($from: String!, $to: String!) {
  platform {
    byMatter: checkStatistics(from: $from, to: $to, groupBy: MATTER) {
      ...Stats
    }
    byRegion: checkStatistics(from: $from, to: $to, groupBy: REGION) {
      ...Stats
    }
    byDepartment: checkStatistics(from: $from, to: $to, groupBy: DEPARTMENT) {
      ...Stats
    }
  }
}

fragment Stats on CheckStatistics {
  group checks subjects hits measures
  applied notApplied feedbackRate
  verdicts { verdict count }
}
`,
      variables: { from: `${today.slice(0, 4)}-01-01`, to: today },
    },
  ];
  return tabs.map((t) => ({ query: t.query, variables: JSON.stringify(t.variables, null, 2) }));
}
