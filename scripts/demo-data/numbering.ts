/**
 * Document numbers (文书号) that are realistic and unique: each series (issuer and year) counts
 * from 1 in generation order, skipping the numbers the showcase uses.
 */
export class DocumentNumbers {
  private readonly counters = new Map<string, number>();

  /** `taken`: numbers already in use (the showcase's), never handed out. */
  constructor(private readonly taken: ReadonlySet<string> = new Set()) {}

  /** The next number of `series`, formatted by `format`. */
  next(series: string, format: (seq: number) => string): string {
    let seq = this.counters.get(series) ?? 0;
    let no: string;
    do {
      seq += 1;
      no = format(seq);
    } while (this.taken.has(no));
    this.counters.set(series, seq);
    return no;
  }

  /** An official document number, e.g. `长税稽罚〔2025〕123号` for head 长税稽罚. */
  official(head: string, year: number): string {
    return this.next(`${head}|${year}`, (seq) => officialNo(head, year, seq));
  }

  /** An enforcement case number, e.g. `(2025)湘0102执1234号`. */
  enforcementCase(courtCode: string, year: number): string {
    return this.next(`${courtCode}执|${year}`, (seq) => enforcementCaseNo(courtCode, year, seq));
  }

  /** A loan contract number, e.g. `长银借字2024第000123号`. */
  loanContract(lenderAbbr: string, year: number): string {
    return this.next(`${lenderAbbr}借|${year}`, (seq) => `${lenderAbbr}借字${year}第${String(seq).padStart(6, '0')}号`);
  }
}

export function officialNo(head: string, year: number, seq: number): string {
  return `${head}〔${year}〕${seq}号`;
}

export function enforcementCaseNo(courtCode: string, year: number, seq: number): string {
  return `(${year})${courtCode}执${seq}号`;
}

/** The n-th ruling in a case (1 → 之一, 2 → 之二 …), as numbered for consumption restriction orders. */
export function rulingNo(caseNo: string, n: number): string {
  return `${caseNo}之${'一二三四五六七八九十'[n - 1] ?? n}`;
}
