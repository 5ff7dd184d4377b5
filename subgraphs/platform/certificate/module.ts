import { badInput, forbidden } from '../../kit/errors.js';
import { requireRule } from '../../kit/policy.js';
import type { StoredCheck } from '../check/repository.js';
import { readSdl, type PlatformContext, type PlatformModule } from '../module.js';
import { VerificationCodes } from './verification-code.js';

/** Who issues certificates; the verification names it. */
const ISSUER = '湖南省社会信用体系建设领导小组办公室（省信用办） Provincial credit office of Hunan';

let codes: VerificationCodes | undefined;
/** Read once, on first use (CHECK_CERTIFICATE_SECRET; required at start-up in production). */
const verificationCodes = () => (codes ??= VerificationCodes.fromEnv());

function notGenuine(code: string): never {
  throw badInput(
    `verification code ${JSON.stringify(code.slice(0, 80))} does not match a check the credit office stored: the certificate is not genuine or was altered (expected <checkId>-XXXX-XXXX-XXXX-XXXX as printed)`,
  );
}

/** Check certificates (核查证明): a verification code per stored check, and its verification by anyone. */
export const certificateModule: PlatformModule = {
  name: 'certificate',
  sdl: readSdl(new URL('./schema.graphql', import.meta.url)),
  migrations: [],
  resolvers: {
    CreditCheck: {
      verificationCode: (check: StoredCheck, _args: unknown, ctx: PlatformContext) => {
        const caller = requireRule(ctx.caller, 'CreditCheck.verificationCode');
        if (caller.role !== 'CREDIT_OFFICE' && caller.clientId !== check.clientId) {
          throw forbidden(`check ${check.checkId} was made by another client: only that client and the credit office receive its certificate`, { rule: 'check.certificate' });
        }
        return verificationCodes().codeOf(check);
      },
    },
    PlatformQuery: {
      verifyCheck: async (_root: unknown, args: { code: string }, ctx: PlatformContext) => {
        requireRule(ctx.caller, 'PlatformQuery.verifyCheck');
        const parsed = VerificationCodes.parse(args.code);
        if (!parsed) notGenuine(args.code);
        const check: StoredCheck | null = await ctx.loaders.checks.load(parsed.checkId);
        if (!verificationCodes().matches(check, parsed.checkId, parsed.mac) || !check) notGenuine(args.code);
        return {
          checkId: check.checkId,
          checkedAt: check.checkedAt,
          matter: check.matter,
          caseRef: check.caseRef,
          subjectId: check.subjectId,
          verdict: check.verdict,
          measureCodes: check.measures.map((m) => m.code),
          suspendedMeasureCodes: check.suspendedMeasures.map((m) => m.code),
          missingSources: check.missingSources,
          issuedBy: ISSUER,
        };
      },
    },
  },
};
