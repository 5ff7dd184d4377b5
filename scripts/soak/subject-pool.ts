/**
 * The subjects the soak asks about: the seeded population (as `npm run seed` numbers it), and the
 * subjects known to have an active black-list record, with the departments holding one — the
 * showcase's, the seeded ones read from the departments' databases at the start, and those the
 * soak publishes itself, once the publication is acknowledged. A check of a known black subject
 * must never answer CLEAR.
 */
import type { Knex } from 'knex';
import { addDays, today } from '../../subgraphs/kit/clock.js';
import { databaseConfigFromEnv, openDatabase } from '../../subgraphs/kit/database.js';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import { populationSizes } from '../demo-data/generate.js';
import { legalPersonId, naturalPersonId } from '../demo-data/identities.js';
import { SHOWCASE_IDS } from '../demo-data/showcase.js';
import type { Department } from './operations.js';

/** Seeded black subjects read per department: plenty for variety, bounded for memory. */
const SEEDED_BLACK_LIMIT = 2000;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export class SubjectPool {
  private readonly black = new Map<string, Set<Department>>();
  private readonly seededBlack: string[] = [];
  private readonly publishedBlack: string[] = [];

  private constructor(
    private readonly seeded: readonly string[],
    private readonly legal: readonly string[],
  ) {}

  /** The population of `--subjects total`, and the black subjects of the databases `env` points to. */
  static async load(total: number, env: NodeJS.ProcessEnv): Promise<SubjectPool> {
    const { legal, natural } = populationSizes(total);
    const legalIds = Array.from({ length: legal }, (_, i) => legalPersonId(i));
    const naturalIds = Array.from({ length: natural }, (_, j) => naturalPersonId(j));
    const pool = new SubjectPool([...legalIds, ...naturalIds, ...Object.values(SHOWCASE_IDS)], legalIds);
    // Records are judged on the check's day; one ending tomorrow could expire during the run.
    const day = today();
    const safeUntil = addDays(day, 2);
    for (const department of DEPARTMENTS) {
      const db: Knex = await openDatabase(databaseConfigFromEnv(department, env));
      try {
        const rows: { subject_id: string }[] = await db('credit_records')
          .distinct('subject_id')
          .whereNull('valid_to')
          .andWhere({ list_type: 'BLACK', status: 'ACTIVE' })
          .andWhere('decided_on', '<=', day)
          .andWhere((q) => q.whereNull('valid_until').orWhere('valid_until', '>', safeUntil))
          .limit(SEEDED_BLACK_LIMIT);
        for (const { subject_id } of rows) pool.addBlack(subject_id, department, 'seeded');
      } finally {
        await db.destroy();
      }
    }
    if (!pool.black.has(SHOWCASE_IDS.blackEnterprise) || !pool.black.has(SHOWCASE_IDS.dishonestPerson)) {
      throw new Error(`the showcase's black subjects ${SHOWCASE_IDS.blackEnterprise} and ${SHOWCASE_IDS.dishonestPerson} have no active black record in the databases: was the seed run?`);
    }
    return pool;
  }

  addBlack(subjectId: string, department: Department, source: 'seeded' | 'published'): void {
    let departments = this.black.get(subjectId);
    if (!departments) {
      departments = new Set();
      this.black.set(subjectId, departments);
      (source === 'seeded' ? this.seededBlack : this.publishedBlack).push(subjectId);
    }
    departments.add(department);
  }

  /** Departments holding an active black record of the subject; undefined when none is known. */
  blackDepartments(subjectId: string): ReadonlySet<Department> | undefined {
    return this.black.get(subjectId);
  }

  /** Any subject of the population. */
  anySubject(): string {
    return pick(this.seeded);
  }

  /** A legal person of the population, to publish a record about. */
  legalPerson(): string {
    return pick(this.legal);
  }

  /** A subject with an active black record: a showcase one, a seeded one or one the soak published. */
  blackSubject(): string {
    const r = Math.random();
    if (r < 0.2) return SHOWCASE_IDS.blackEnterprise;
    if (r < 0.3) return SHOWCASE_IDS.dishonestPerson;
    if (r < 0.65 || this.publishedBlack.length === 0) return pick(this.seededBlack);
    return pick(this.publishedBlack);
  }

  get sizes(): { population: number; seededBlack: number; publishedBlack: number } {
    return { population: this.seeded.length, seededBlack: this.seededBlack.length, publishedBlack: this.publishedBlack.length };
  }
}
