/**
 * The departments whose credit records feed the check before approval. The platform's SDL
 * declares each one's view as `@external` and asks for its records through `@requires`, so the
 * gateway fetches every source in the same request; the SDL is generated from this list, so a
 * new source is a new entry, not an edit of hand-written field sets.
 */
export interface CreditSource {
  /** Subgraph name and `Subject` field, e.g. `courts`. */
  name: string;
  /** Prefix of the source's view type, e.g. `Courts` for `CourtsView`. */
  typePrefix: string;
}

export const DEFAULT_CREDIT_SOURCES: readonly CreditSource[] = [
  { name: 'tax', typePrefix: 'Tax' },
  { name: 'market', typePrefix: 'Market' },
  { name: 'courts', typePrefix: 'Courts' },
  { name: 'finance', typePrefix: 'Finance' },
];

/** The source that keeps who represents which enterprise (落实到人). */
export const REPRESENTATION_SOURCE = 'market';

export const RECORD_FIELDS = 'id version subjectId department category listType decisionNo decidedOn validUntil status summary recordedAt';
const REPRESENTATION_FIELDS = 'enterpriseId role from to';

function recordsOf(sources: readonly CreditSource[]): string {
  return sources.map((s) => `${s.name} { known records { ${RECORD_FIELDS} } }`).join(' ');
}

/**
 * The `@requires` field set of a check: every source's records for the subject and, through the
 * representation source, every source's records for each enterprise the subject represents.
 */
export function checkRequirements(sources: readonly CreditSource[], enterpriseField: 'enterprise' | 'enterpriseAsOf'): string {
  return sources
    .map((s) => {
      if (s.name !== REPRESENTATION_SOURCE) return `${s.name} { known records { ${RECORD_FIELDS} } }`;
      return `${s.name} { known records { ${RECORD_FIELDS} } representedEnterprises { ${REPRESENTATION_FIELDS} ${enterpriseField} { ${recordsOf(sources)} } } }`;
    })
    .join(' ');
}

/** The SDL the platform declares for the sources: their views as external fields of both entities. */
export function creditSourcesSdl(sources: readonly CreditSource[]): string {
  const external = sources.map((s) => `  ${s.name}: ${s.typePrefix}View @external`).join('\n');
  const views = sources
    .map((s) => {
      const extra =
        s.name === REPRESENTATION_SOURCE ? '\n  representedEnterprises: [Representation!]! @external' : '';
      return `type ${s.typePrefix}View {\n  known: Boolean! @external\n  records: [CreditRecord!] @external${extra}\n}`;
    })
    .join('\n\n');
  const checkRequires = checkRequirements(sources, 'enterprise');
  const replayRequires = checkRequirements(sources, 'enterpriseAsOf');
  return `extend type Subject {
${external}
  """
  审批前信用核查 Check before approval: which joint incentives and punishments apply to this
  subject for an approval matter, mandatory or recommended, with the evidence and the legal basis.
  The check is recorded and can be retrieved, fed back on and replayed by its checkId.
  """
  creditCheck(
    "审批事项 The approval matter the check is for."
    matter: Matter!
    "审批案号 The approval system's case number; required and not empty."
    caseRef: String!
  ): CreditCheck! @requires(fields: ${JSON.stringify(checkRequires)})
  """
  核查预览 What a check before approval would answer now, for analysts and the credit office:
  not recorded, not citable, no case reference. Approval systems use creditCheck.
  """
  creditPreview(
    "审批事项 The approval matter."
    matter: Matter!
  ): CheckPreview! @requires(fields: ${JSON.stringify(checkRequires)})
}

type SubjectAsOf @key(fields: "id asOf") {
  "主体标识 Unified social credit code or resident identity number."
  id: ID!
  "时点 The moment (ISO 8601, UTC) whose record versions are used."
  asOf: String!
${external}
  """
  重新评估 Re-evaluates a stored check from the record and measure versions in force when it was
  made, and compares the result with what was answered then.
  """
  reevaluation(
    "核查编号 The check to re-evaluate; its subject and time must be this entity's."
    checkId: ID!
  ): Reevaluation! @requires(fields: ${JSON.stringify(replayRequires)})
}

${views}

type Representation {
  enterpriseId: ID! @external
  role: RepresentativeRole! @external
  from: String! @external
  to: String @external
  enterprise: Subject! @external
  enterpriseAsOf: SubjectAsOf! @external
}
`;
}
