import { Kind, parse, type EnumTypeDefinitionNode, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import { creditSourceOf } from './credit-sources.js';
import type { Member } from './store.js';

function named(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type);
}

/** What the catalogue says of one subgraph, read from its SDL descriptions. */
export function catalogueOf(member: Member) {
  const doc = parse(member.sdl);
  const objects = new Map<string, ObjectTypeDefinitionNode>();
  const enums = new Map<string, EnumTypeDefinitionNode>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION) objects.set(def.name.value, def);
    if (def.kind === Kind.ENUM_TYPE_DEFINITION) enums.set(def.name.value, def);
  }
  const source = creditSourceOf(member);
  const subjectField = objects.get('Subject')?.fields?.find((f) => f.name.value === member.name);
  const view = subjectField ? objects.get(named(subjectField.type)) : undefined;
  const categories = source ? enums.get(`${source.typePrefix}Category`) : undefined;
  return {
    name: member.name,
    url: member.url,
    creditSource: source !== null,
    description: subjectField?.description?.value ?? null,
    categories: (categories?.values ?? []).map((v) => ({ name: v.name.value, description: v.description?.value ?? null })),
    fields: (view?.fields ?? []).map((f) => ({ name: f.name.value, description: f.description?.value ?? null })),
  };
}
