/**
 * The mutation namespace and the case queries every department has, generated per department so
 * a new department gets them by being defined, not by copying SDL.
 */
export function lifecycleSdl(name: string, typePrefix: string, title: string): string {
  return `type Mutation {
  ${JSON.stringify(`${title.split(' ')[0]} 发布与处理 Publishing, correcting and revoking ${name} records; objections and repair.`)}
  ${name}: ${typePrefix}Mutation
}

"""
${title.split(' ')[0]} 记录维护 Writes to the ${name} department's records: only its own key or the credit office's.
Every change is a new version of the record, and reaches push subscribers.
"""
type ${typePrefix}Mutation {
  "发布 Publishes a record; the same decision number for the same subject again returns the same record."
  publishRecord(input: PublishRecordInput!): CreditRecord!
  "更正 Corrects a record: a new version with the given fields changed."
  correctRecord(id: ID!, input: CorrectRecordInput!): CreditRecord!
  "撤销 Revokes a record: it stays in history and triggers nothing."
  revokeRecord(id: ID!, reason: String!): CreditRecord!
  "提出异议 Files an objection for the subject: the record is IN_OBJECTION until the department resolves it."
  fileObjection(input: ObjectionInput!): Objection!
  "异议核查 Resolves an objection (department only): upheld, corrected or revoked."
  resolveObjection(objectionId: ID!, outcome: ObjectionOutcome!, note: String!, correction: CorrectRecordInput): Objection!
  "申请修复 Files a repair application for the subject."
  applyForRepair(input: RepairInput!): RepairApplication!
  "修复审核 Approves or rejects a repair application (department only); approval before the minimum publicity period is refused with the date."
  decideRepair(applicationId: ID!, approve: Boolean!, note: String!): RepairApplication!
}

extend type ${typePrefix}Query {
  "记录 One record in its current version."
  record(id: ID!): CreditRecord
  "记录历史 Every version of one record, oldest first."
  recordHistory(id: ID!): [CreditRecord!]!
  "异议 Objections to this department's records, by status; overdueOnly lists pending ones past their deadline (department and credit office)."
  objections(status: ObjectionStatus, overdueOnly: Boolean = false, limit: Int = 100): [Objection!]!
  "修复申请 Repair applications to this department, by status (department and credit office)."
  repairApplications(status: RepairStatus, limit: Int = 100): [RepairApplication!]!
  "记录变更事件 The outbox: every record change after seq \`after\`, in seq order, at most \`limit\` (1 to 1,000); read by the credit office's push relay only."
  events(after: Int!, limit: Int = 500): [RecordEvent!]!
}
`;
}
