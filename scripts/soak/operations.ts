/** The operations the soak sends, and what it publishes in each department. */
import { DEPARTMENTS } from '../../subgraphs/services.js';

export type Department = (typeof DEPARTMENTS)[number];

/** A black-list category and one of another list, per department, published for legal persons. */
export const CATEGORIES: Record<Department, { black: string; other: string }> = {
  tax: { black: 'MAJOR_TAX_VIOLATION', other: 'TAX_CREDIT_A' },
  market: { black: 'SERIOUS_ILLEGAL_UNTRUSTWORTHY', other: 'ABNORMAL_OPERATION' },
  courts: { black: 'DISHONEST_JUDGMENT_DEBTOR', other: 'CONSUMPTION_RESTRICTION' },
  finance: { black: 'PROCUREMENT_SERIOUS_VIOLATION', other: 'CREDIT_LOAN_GOOD_STANDING' },
};

/** Matters with a mandatory punishment for any active black-list record (the catalogue's P_*_BAN and P_STRICT_LICENSE_REVIEW). */
export const MATTERS = ['GOVERNMENT_PROCUREMENT', 'PUBLIC_RESOURCE_TRADING', 'ADMINISTRATIVE_LICENSE'] as const;

export const KEYS = {
  approval: 'demo-approval-key',
  department: (d: Department) => `demo-${d}-key`,
} as const;

export const CHECK = `query SoakCheck($id: ID!, $matter: Matter!, $caseRef: String!) {
  subject(id: $id) { creditCheck(matter: $matter, caseRef: $caseRef) { checkId verdict missingSources measures { code } } } }`;

export const publishMutation = (d: Department) =>
  `mutation SoakPublish($input: PublishRecordInput!) { ${d} { publishRecord(input: $input) { id version listType status } } }`;

export const FEEDBACK = `mutation SoakFeedback($checkId: ID!, $items: [MeasureFeedbackInput!]!) {
  platform { reportFeedback(checkId: $checkId, items: $items) { checkId measureCode outcome } } }`;

export const SUBSCRIBE = `mutation SoakSubscribe { platform { subscribe(input: {}) { id ackedSeq } } }`;

export const FEED = `query SoakFeed($s: ID!, $n: Int) { platform { feed(subscriptionId: $s, limit: $n) {
  cursor hasMore entries { seq department kind record { id version decisionNo } } } } }`;

export const ACK = `mutation SoakAck($s: ID!, $q: Int!) { platform { acknowledge(subscriptionId: $s, upToSeq: $q) { ackedSeq } } }`;
