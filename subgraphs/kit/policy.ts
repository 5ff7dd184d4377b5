/**
 * The access policy: who may call what, in one table, enforced twice — by the gateway on the
 * client's operation (against the composed API schema) and again by every subgraph on the
 * operation the gateway sends it (against the subgraph's own schema). A subgraph therefore refuses
 * what the gateway would refuse even when the gateway is bypassed or wrong.
 *
 * Rules are keyed by schema coordinate (`Type.field`). Department namespaces are registered at
 * run time, so their fields are keyed generically: `DepartmentQuery.records` stands for
 * `TaxQuery.records`, `EcologyQuery.records` and so on, and the rule learns which department the
 * namespace belongs to. Every field of a namespace (the operations a client can call) must have a
 * rule: a new operation without one is refused until the table says who may call it.
 *
 * Data-dependent checks (whose check or subscription it is, the owner of a record) stay in the
 * resolvers, which know the data; they name their rule the same way.
 */
import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import type { Caller, Role } from './caller.js';
import { ErrorCode } from './errors.js';
import { checkSubjectId } from './identifiers.js';

/** What a rule can see of a call. */
export interface RuleScope {
  caller: Caller;
  /** The field's arguments, with variables applied. */
  args: Record<string, unknown>;
  /** For a department namespace's field, the department (the namespace's root field name). */
  department?: string;
}

export interface Rule {
  /** Stable name, returned in `extensions.rule` of a refusal. */
  name: string;
  /** The roles that may call the field at all. */
  roles: readonly Role[];
  /** Further conditions: the reason for refusing (under this rule's name or a sub-rule's), or null. */
  refuse?(scope: RuleScope): string | { rule: string; reason: string } | null;
  /** One line for the README's table. */
  summary: string;
}

const ALL: readonly Role[] = ['APPROVAL_SYSTEM', 'ANALYST', 'DEPARTMENT', 'CREDIT_OFFICE'];
const EVERYONE: readonly Role[] = [...ALL, 'PUBLIC'];
const ANALYSTS: readonly Role[] = ['ANALYST', 'CREDIT_OFFICE'];
const OFFICE: readonly Role[] = ['CREDIT_OFFICE'];
/** Approval systems, departments and the credit office: who may use push subscriptions. */
const SUBSCRIBERS: readonly Role[] = ['APPROVAL_SYSTEM', 'DEPARTMENT', 'CREDIT_OFFICE'];
/** Departments and the credit office: who may change a department's data. */
const DEPARTMENTS: readonly Role[] = ['DEPARTMENT', 'CREDIT_OFFICE'];
/** Analysts, departments and the credit office: who may read a department's records. */
const RECORD_READERS: readonly Role[] = ['ANALYST', 'DEPARTMENT', 'CREDIT_OFFICE'];

/** The same rule for several fields of one type. */
const sameRule = (type: string, fields: readonly string[], rule: Rule): Record<string, Rule> =>
  Object.fromEntries(fields.map((f) => [`${type}.${f}`, rule]));

/** A department acts only in its own namespace (the credit office acts in every one). */
const ownNamespace = ({ caller, department }: RuleScope): string | null =>
  caller.role === 'DEPARTMENT' && caller.department !== department
    ? `department ${caller.department ?? '(none)'} may act only in its own namespace, not in ${department}`
    : null;

/** A caller that may see resident identity numbers whole may also look persons up by them. */
const FULL_IDENTITY: readonly Role[] = ['APPROVAL_SYSTEM', 'DEPARTMENT', 'CREDIT_OFFICE'];

/**
 * Whether an id given to look a subject up names (or tries to name) a natural person: any string
 * of the shape of a resident identity number (15 or 18 digits, half- or full-width, a final X),
 * valid or not, unless it is a valid unified social credit code. Invalid numbers are refused with
 * the valid ones, so a refusal tells nothing about the number tried.
 */
function namesAPerson(id: unknown): boolean {
  if (typeof id !== 'string') return false;
  const compact = id.replace(/[\s\-]/g, '');
  if (!/^[0-9\uff10-\uff19]{15}(?:[0-9\uff10-\uff19]{2}[0-9Xx\uff10-\uff19\uff38\uff58])?$/.test(compact)) return false;
  const check = checkSubjectId(compact);
  return !(check.valid && check.kind === 'LEGAL_PERSON');
}

/**
 * Subjects are looked up by identifier; a natural person only by a role that sees identity numbers
 * whole. An analyst (or anyone else) who could ask for any identity number would learn, from which
 * ones answer with records, a person's number behind a masked one: they look up enterprises, and
 * see persons only masked, in the records and stored checks they can read.
 */
const personLookup = ({ caller, args }: RuleScope) => {
  if (FULL_IDENTITY.includes(caller.role)) return null;
  const ids = Array.isArray(args.ids) ? args.ids : [args.id];
  if (!ids.some(namesAPerson)) return null;
  return {
    rule: 'subject-view.natural-persons',
    reason: `${caller.role} ${caller.clientId} may look up enterprises and organisations by unified social credit code, not natural persons by identity number (persons appear masked in the records and checks it can read)`,
  };
};

const checkRules = {
  approval: {
    name: 'check.approval-systems-only',
    roles: ['APPROVAL_SYSTEM'],
    summary: 'Credit checks are made only by approval systems, only for the matters each approves, always with a case reference.',
    refuse: ({ caller, args }: RuleScope) => {
      const matter = String(args.matter);
      if (!caller.matters?.includes(matter)) {
        return { rule: 'check.own-matters', reason: `approval system ${caller.clientId} approves ${caller.matters?.length ? caller.matters.join(', ') : 'no matters'}, not ${matter}` };
      }
      // Its form is checked by the check itself (BAD_USER_INPUT); the rule is that there is one.
      if (typeof args.caseRef !== 'string' || args.caseRef.trim() === '') {
        return { rule: 'check.case-reference', reason: 'a check needs the case reference of the approval it is made for (caseRef is empty)' };
      }
      return null;
    },
  },
} as const;

/** The table. Keys are schema coordinates; `Department*` stands for every department's namespace. */
export const POLICY: Readonly<Record<string, Rule>> = {
  'Query.__schema': { name: 'introspection', roles: ANALYSTS, summary: 'Introspection (and so GraphiQL\'s docs): analysts and the credit office.' },
  'Query.__type': { name: 'introspection', roles: ANALYSTS, summary: 'Introspection: analysts and the credit office.' },
  'Query.viewer': { name: 'viewer', roles: EVERYONE, summary: 'Who am I: everyone.' },
  'Query.subject': { name: 'subject-view', roles: ALL, refuse: personLookup, summary: 'The subject credit view: every authenticated role; a natural person only by approval systems, departments and the credit office, each such lookup recorded (analysts: enterprises only).' },
  'Query.subjects': { name: 'subject-view', roles: ALL, refuse: personLookup, summary: 'The batch view: every authenticated role; natural persons as for one subject.' },
  'Subject.creditCheck': checkRules.approval,
  'Subject.creditPreview': { name: 'check.preview', roles: ANALYSTS, summary: 'A check\'s answer without recording it: analysts and the credit office.' },
  'SubjectAsOf.reevaluation': { name: 'check.read', roles: ALL, summary: 'Reading and replaying a check: the client that made it, analysts and the credit office.' },
  'PlatformQuery.check': { name: 'check.read', roles: ALL, summary: 'Reading a stored check: the client that made it, analysts and the credit office.' },
  'CreditCheck.verificationCode': { name: 'check.certificate', roles: ['APPROVAL_SYSTEM', 'CREDIT_OFFICE'], summary: 'A check certificate\'s verification code: the approval system that made the check and the credit office.' },
  'PlatformQuery.verifyCheck': { name: 'check.verify', roles: EVERYONE, summary: 'Verifying a check certificate by its code: everyone, the public included (subject identity numbers masked as the role requires).' },
  'PlatformQuery.personLookups': { name: 'person-lookups', roles: OFFICE, summary: 'The record of lookups of natural persons by identity number (who, when, why): the credit office.' },
  'PlatformQuery.replayCheck': { name: 'check.read', roles: ALL, summary: 'Replaying a stored check: the client that made it, analysts and the credit office.' },
  'PlatformQuery.measures': { name: 'measures.read', roles: ALL, summary: 'The measures catalogue: every authenticated role.' },
  'PlatformQuery.measureHistory': { name: 'measures.read', roles: ALL, summary: 'A measure\'s versions: every authenticated role.' },
  ...sameRule('PlatformMutation', ['addMeasure', 'changeMeasure', 'retireMeasure'], { name: 'measures.write', roles: OFFICE, summary: 'Changing the measures catalogue: the credit office.' }),
  'PlatformMutation.reportFeedback': { name: 'feedback.own-checks', roles: ['APPROVAL_SYSTEM'], summary: 'Execution feedback: the approval system that made the check.' },
  ...sameRule('PlatformQuery', ['checkStatistics', 'checkWeeks', 'missingSources', 'feedbackStatistics'], { name: 'statistics', roles: ANALYSTS, summary: 'Check and feedback statistics (跟踪问效): analysts and the credit office.' }),
  'PlatformQuery.subscriptions': { name: 'push', roles: SUBSCRIBERS, summary: 'Push subscriptions: approval systems, departments and the credit office, each its own.' },
  'PlatformQuery.feed': { name: 'push', roles: SUBSCRIBERS, summary: 'Pulling a push feed: its subscriber.' },
  'PlatformMutation.subscribe': { name: 'push', roles: SUBSCRIBERS, summary: 'Subscribing to list changes.' },
  'PlatformMutation.unsubscribe': { name: 'push', roles: SUBSCRIBERS, summary: 'Ending a subscription: its subscriber.' },
  'PlatformMutation.acknowledge': { name: 'push', roles: SUBSCRIBERS, summary: 'Acknowledging a feed: its subscriber.' },
  'RegistryQuery.current': { name: 'registry.read', roles: ALL, summary: 'The registry: every authenticated role.' },
  'RegistryQuery.history': { name: 'registry.read', roles: ALL, summary: 'The registry\'s history.' },
  'RegistryQuery.version': { name: 'registry.read', roles: ALL, summary: 'A supergraph version.' },
  'RegistryQuery.diff': { name: 'registry.read', roles: ALL, summary: 'A diff between versions.' },
  'RegistryQuery.catalogue': { name: 'registry.read', roles: ALL, summary: 'The data catalogue.' },
  'RegistryQuery.operations': { name: 'registry.operations', roles: ANALYSTS, summary: 'Operations clients ran: analysts and the credit office.' },
  'RegistryMutation.publishSubgraph': { name: 'registry.write', roles: DEPARTMENTS, summary: 'Publishing a subgraph: a department under its own name, or the credit office.' },
  'RegistryMutation.removeSubgraph': { name: 'registry.write', roles: DEPARTMENTS, summary: 'Removing a subgraph: a department its own, or the credit office.' },
  'RegistryMutation.rollback': { name: 'registry.rollback', roles: OFFICE, summary: 'Rolling the supergraph back: the credit office.' },
  'DepartmentQuery.records': { name: 'department.records', roles: RECORD_READERS, summary: 'A department\'s record lists: analysts, departments and the credit office.' },
  'DepartmentQuery.record': { name: 'department.records', roles: RECORD_READERS, summary: 'One record.' },
  'DepartmentQuery.recordHistory': { name: 'department.records', roles: RECORD_READERS, summary: 'A record\'s versions.' },
  'DepartmentQuery.objections': { name: 'department.cases', roles: DEPARTMENTS, refuse: ownNamespace, summary: 'Objections and repair applications: the owning department and the credit office.' },
  'DepartmentQuery.repairApplications': { name: 'department.cases', roles: DEPARTMENTS, refuse: ownNamespace, summary: 'Repair applications: the owning department and the credit office.' },
  'DepartmentQuery.caseStatistics': { name: 'department.case-statistics', roles: RECORD_READERS, refuse: ownNamespace, summary: 'Objection and repair counts: analysts, the department itself and the credit office.' },
  'DepartmentQuery.listStatistics': { name: 'department.list-statistics', roles: RECORD_READERS, summary: 'List entries published per month and how many late (counts only): analysts, departments and the credit office.' },
  'DepartmentQuery.doublePublicity': { name: 'department.double-publicity', roles: RECORD_READERS, summary: 'Late publication of licensing and penalty decisions (双公示): analysts, departments and the credit office.' },
  'DepartmentQuery.events': { name: 'department.events', roles: OFFICE, summary: 'The outbox: the credit office\'s push relay.' },
  'DepartmentQuery.publicList': { name: 'public-lists', roles: EVERYONE, summary: 'The published red and black lists (identity numbers masked): everyone, the public included.' },
  'DepartmentQuery.publicListPage': { name: 'public-lists', roles: EVERYONE, summary: 'The published lists a page at a time with their total, searchable by enterprise credit code only: everyone, the public included.' },
  'DepartmentQuery.publicEnterprises': { name: 'public-lists', roles: EVERYONE, summary: 'Registered enterprises by name or credit code (names and codes only), to search the public lists: everyone, the public included.' },
  'DepartmentQuery.reports': { name: 'department.reports', roles: ['DEPARTMENT'], refuse: ownNamespace, summary: 'Conduct reports: only the department they are addressed to.' },
  'DepartmentMutation.submitReport': { name: 'public-reports', roles: EVERYONE, summary: 'Reporting conduct (举报): everyone, the public included.' },
  ...sameRule('DepartmentMutation', ['publishRecord', 'correctRecord', 'revokeRecord', 'fileObjection', 'applyForRepair'], {
    name: 'department.write',
    roles: DEPARTMENTS,
    refuse: ownNamespace,
    summary: 'Publishing, correcting, revoking; filing objections and repair applications: the department in its own namespace, or the credit office.',
  }),
  ...sameRule('DepartmentMutation', ['resolveObjection', 'decideRepair'], {
    name: 'department.owner',
    roles: ['DEPARTMENT'],
    refuse: ownNamespace,
    summary: 'Deciding objections and repairs: only the department that owns the record (谁主管、谁负责).',
  }),
};

/** Roots through which the gateway reaches subgraphs; any caller the gateway signed for may use them. */
const FEDERATION_ROOTS = new Set(['Query._entities', 'Query._service']);
/** Namespaces that are not departments. */
const PLATFORM_NAMESPACES = new Set(['platform', 'registry']);

/** Roles that see full resident identity numbers; everyone else sees them masked. */
const FULL_IDENTITY_ROLES = FULL_IDENTITY;

export interface PolicyRefusal {
  rule: string;
  message: string;
}

interface Namespaces {
  /** Namespace type name → [root field name, whether it is a department's]. */
  byType: Map<string, { field: string; department: boolean }>;
}

const namespaceCache = new WeakMap<GraphQLSchema, Namespaces>();

function namespacesOf(schema: GraphQLSchema): Namespaces {
  let found = namespaceCache.get(schema);
  if (found) return found;
  found = { byType: new Map() };
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const type = getNamedType(field.type);
      if (isObjectType(type) && /(Query|Mutation)$/.test(type.name) && field.args.length === 0) {
        found.byType.set(type.name, { field: field.name, department: !PLATFORM_NAMESPACES.has(field.name) });
      }
    }
  }
  namespaceCache.set(schema, found);
  return found;
}

/** A field of an operation that a rule covers (or that no rule covers, when it must). */
interface Hit {
  coordinate: string;
  rule: Rule | null;
  node: FieldNode;
  field: GraphQLField<unknown, unknown>;
  department?: string;
}

const hitCache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Hit[]>>>();

/**
 * The fields of the selected operation that rules speak about, fragments included. Computed once
 * per schema, document and operation name (documents are cached by the server, so a repeated
 * query costs one lookup); only the rules' conditions are evaluated per request.
 */
function hitsOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Hit[] {
  let byDocument = hitCache.get(schema);
  if (!byDocument) hitCache.set(schema, (byDocument = new WeakMap()));
  let byName = byDocument.get(document);
  if (!byName) byDocument.set(document, (byName = new Map()));
  const cached = byName.get(operationName ?? '');
  if (cached) return cached;

  const namespaces = namespacesOf(schema);
  const typeInfo = new TypeInfo(schema);
  const selected = getOperationAST(document, operationName);
  const visited: DocumentNode = { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === selected) };
  const queryName = schema.getQueryType()?.name;
  const mutationName = schema.getMutationType()?.name;
  const hits: Hit[] = [];
  visit(
    visited,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || node.name.value === '__typename') return;
        const namespace = namespaces.byType.get(parent.name);
        const isRoot = parent.name === queryName || parent.name === mutationName;
        const coordinate = namespace?.department
          ? `Department${parent.name.endsWith('Mutation') ? 'Mutation' : 'Query'}.${field.name}`
          : `${isRoot ? (parent.name === mutationName ? 'Mutation' : 'Query') : parent.name}.${field.name}`;
        const department = namespace?.department ? namespace.field : undefined;
        const rule = POLICY[coordinate] ?? null;
        if (rule) {
          hits.push({ coordinate, rule, node, field, ...(department ? { department } : {}) });
          return;
        }
        // Namespace roots pass (their fields have rules), and so do the federation entry points;
        // any other operation (a root or namespace field) without a rule is refused.
        if (isRoot && (namespaces.byType.has(getNamedType(field.type).name) || FEDERATION_ROOTS.has(coordinate))) return;
        if (isRoot || namespace) hits.push({ coordinate, rule: null, node, field });
      },
    }),
  );
  byName.set(operationName ?? '', hits);
  return hits;
}

/**
 * The first rule the operation breaks for this caller, or null. Every field is looked at,
 * fragments included; arguments are read with the request's variables.
 */
export function refuseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  caller: Caller | null,
): PolicyRefusal | null {
  const hits = hitsOf(schema, document, operationName);
  if (!caller) return hits.length === 0 ? null : { rule: 'identity', message: 'the request carries no client identity' };
  for (const { coordinate, rule, node, field, department } of hits) {
    if (!rule) return { rule: 'default-deny', message: `${coordinate} is covered by no access rule` };
    const refusal = ruleRefusal(coordinate, rule, caller, department, () => {
      try {
        return getArgumentValues(field, node, variables ?? {});
      } catch {
        return null; // Invalid arguments are refused by execution, with its own message.
      }
    });
    if (refusal) return refusal;
  }
  return null;
}

/**
 * Whether `rule` refuses this caller at `coordinate`: its roles, then its condition. `args` is read
 * only when the rule has a condition; null skips the condition.
 */
function ruleRefusal(coordinate: string, rule: Rule, caller: Caller, department: string | undefined, args: () => Record<string, unknown> | null): PolicyRefusal | null {
  if (!rule.roles.includes(caller.role)) {
    return { rule: rule.name, message: `${coordinate} is allowed to ${rule.roles.join(', ')}, not to ${caller.role} ${caller.clientId}` };
  }
  if (!rule.refuse) return null;
  const values = args();
  if (!values) return null;
  const reason = rule.refuse({ caller, args: values, ...(department ? { department } : {}) });
  if (typeof reason === 'string') return { rule: rule.name, message: `${coordinate}: ${reason}` };
  if (reason) return { rule: reason.rule, message: `${coordinate}: ${reason.reason}` };
  return null;
}

/** The refusal as the GraphQL error clients receive: FORBIDDEN with the rule, HTTP 403. */
export function policyError(refusal: PolicyRefusal): GraphQLError {
  return new GraphQLError(`forbidden by rule ${refusal.rule}: ${refusal.message}`, {
    extensions: { code: ErrorCode.Forbidden, rule: refusal.rule, http: { status: 403 } },
  });
}

/** Whether a caller sees resident identity numbers in full. */
export function seesFullIdentity(caller: Caller | null): boolean {
  return caller !== null && FULL_IDENTITY_ROLES.includes(caller.role);
}

/**
 * The same rule checked inside a resolver (a third line of defence, and the one that holds when a
 * resolver is reached some other way): the caller's role, and the rule's condition on `args`.
 */
export function requireRule(caller: Caller | null, coordinate: string, args: Record<string, unknown> = {}, department?: string): Caller {
  const rule = POLICY[coordinate];
  if (!rule) throw policyError({ rule: 'default-deny', message: `${coordinate} is covered by no access rule` });
  if (!caller) throw policyError({ rule: rule.name, message: `${coordinate}: the request carries no client identity (call through the gateway)` });
  const refusal = ruleRefusal(coordinate, rule, caller, department, () => args);
  if (refusal) throw policyError(refusal);
  return caller;
}

/** An operation of a schema that no rule of the table covers: every caller would be refused it. */
export interface UncoveredField {
  /** The field as the schema names it (`Query.x`, `TaxQuery.x`). */
  field: string;
  /** The key a rule for it takes in POLICY (`Query.x`, `DepartmentQuery.x`). */
  coordinate: string;
}

/**
 * The operations a client could call in `schema` — root fields and the fields of namespaces —
 * that the table covers with no rule, the same way the gateway looks them up per request. What
 * the registry refuses to publish: such a field would be refused to every caller (default-deny).
 */
export function uncoveredFields(schema: GraphQLSchema): UncoveredField[] {
  const namespaces = namespacesOf(schema);
  const found: UncoveredField[] = [];
  for (const [root, kind] of [[schema.getQueryType(), 'Query'], [schema.getMutationType(), 'Mutation']] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const type = getNamedType(field.type);
      const namespace = namespaces.byType.get(type.name);
      if (namespace && isObjectType(type)) {
        for (const inner of Object.values(type.getFields())) {
          const coordinate = namespace.department ? `Department${type.name.endsWith('Mutation') ? 'Mutation' : 'Query'}.${inner.name}` : `${type.name}.${inner.name}`;
          if (!POLICY[coordinate]) found.push({ field: `${type.name}.${inner.name}`, coordinate });
        }
        continue;
      }
      const coordinate = `${kind}.${field.name}`;
      if (!POLICY[coordinate] && !FEDERATION_ROOTS.has(coordinate)) found.push({ field: `${root!.name}.${field.name}`, coordinate });
    }
  }
  return found;
}
