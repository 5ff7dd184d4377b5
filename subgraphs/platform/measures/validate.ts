import { LIST_TYPES, type ListType } from '../../kit/credit-records.js';
import { badInput } from '../../kit/errors.js';
import { MATTERS, type Matter, type MeasureContent, type MeasureTrigger } from './types.js';

const CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

export function checkMeasureCode(code: string): string {
  if (!CODE.test(code)) throw badInput(`measure code ${JSON.stringify(code)} is not valid: expected 3 to 64 upper-case letters, digits and underscores, starting with a letter`);
  return code;
}

export function checkNote(note: string): string {
  if (typeof note !== 'string' || note.trim() === '') throw badInput('note is empty: say why the catalogue changes');
  return note.trim();
}

function nonEmpty(field: string, value: string): string {
  if (value.trim() === '') throw badInput(`${field} is empty: expected text`);
  return value.trim();
}

export interface MeasureInput {
  name: string;
  kind: MeasureContent['kind'];
  mandatory: boolean;
  matters: string[];
  triggers: MeasureTrigger[];
  requiresThreeCleanYears?: boolean | null;
  legalBasis: string;
  implementingDepartments: string[];
}

/** Checks a measure as given by the credit office and normalises it. */
export function checkMeasureInput(input: MeasureInput): MeasureContent {
  const matters = [...new Set(input.matters)];
  if (matters.length === 0) throw badInput(`matters is empty: expected at least one of ${MATTERS.join(', ')}`);
  for (const m of matters) if (!MATTERS.includes(m as Matter)) throw badInput(`matter ${JSON.stringify(m)} is not valid: expected one of ${MATTERS.join(', ')}`);
  const requiresThreeCleanYears = input.requiresThreeCleanYears ?? false;
  const triggers = input.triggers.map((t, i) => {
    const trigger: MeasureTrigger = {};
    if (t.listType != null) {
      if (!LIST_TYPES.includes(t.listType as ListType)) throw badInput(`triggers[${i}].listType ${JSON.stringify(t.listType)} is not valid: expected RED, BLACK or WATCH`);
      trigger.listType = t.listType;
    }
    if (t.department != null) trigger.department = nonEmpty(`triggers[${i}].department`, t.department);
    if (t.category != null) trigger.category = nonEmpty(`triggers[${i}].category`, t.category);
    if (Object.keys(trigger).length === 0) throw badInput(`triggers[${i}] names nothing: expected a listType, department or category`);
    return trigger;
  });
  if (triggers.length === 0 && !requiresThreeCleanYears) {
    throw badInput('triggers is empty: a measure needs at least one trigger, or requiresThreeCleanYears for a clean-record incentive');
  }
  if (input.kind === 'PUNISHMENT' && requiresThreeCleanYears) throw badInput('requiresThreeCleanYears applies to incentives only, and kind is PUNISHMENT');
  if (input.kind === 'INCENTIVE' && input.mandatory) throw badInput('an INCENTIVE cannot be mandatory: incentives are applied at the approver\'s discretion');
  const departments = input.implementingDepartments.map((d, i) => nonEmpty(`implementingDepartments[${i}]`, d));
  if (departments.length === 0) throw badInput('implementingDepartments is empty: expected at least one department');
  return {
    name: nonEmpty('name', input.name),
    kind: input.kind,
    mandatory: input.mandatory,
    matters: matters as Matter[],
    triggers,
    requiresThreeCleanYears,
    legalBasis: nonEmpty('legalBasis', input.legalBasis),
    implementingDepartments: departments,
  };
}
