import { parseArgs } from 'node:util';
import { gatewayV1, riskV1 } from '@portcullis/contracts';
import type { PortcullisApi } from '../portcullis-api';
import type { ApiKeyScope, AuditOutcome } from '../portcullis-api.types';
import { isPortcullisError } from '../portcullis.errors';

/** What the CLI prints and where; injectable so tests run it in-process. */
export interface CliIo {
  /**
   * Writes one line of output. It may return a promise, which `audit export` awaits before the
   * next line, so that a slow reader of stdout slows the export down instead of filling memory.
   */
  readonly out: (line: string) => unknown;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const CLI_USAGE = `portcullis — tenant administration from the command line

Settings: PORTCULLIS_URL (the gateway, e.g. http://localhost:8080) and PORTCULLIS_API_KEY (the
operator token for "tenants create", an admin API key for the rest), or --url and --key.

  tenants create --name <name>
  api-keys create --tenant <id> --name <name> --scope admin|runtime   (prints the key once)
  api-keys list --tenant <id>
  api-keys revoke --tenant <id> --key-id <id>
  risk-policy get --tenant <id>
  risk-policy set --tenant <id> [--mfa-mode always|risk_based|never] [--challenge-at 1-100]
                  [--deny-at 1-100] [--fail-mode challenge|deny]
                  [--step-up <type>[:<min amount>[:<currency>[:challenge|deny]]]]...
  auth-policy get --tenant <id>
  auth-policy set --tenant <id> [--assertion-lifetime <s>] [--without-factors deny|allow]
                  [--device-token-days <d>]
  factor-policy get --tenant <id>
  audit verify --tenant <id>            (exit status 3 when the hash chain is not intact)
  audit export --tenant <id> [--user <id>] [--type <type or prefix.>] [--outcome <outcome>]
               [--from <time>] [--to <time>]          (NDJSON: one event per line, oldest first)
  kpis --tenant <id> [--from <time>] [--to <time>]    (whole UTC days; default the last 30)
  kpi-settings get --tenant <id>
  kpi-settings set --tenant <id> --loss-value <decimal> --currency <ISO 4217>

Times are RFC 3339 (2026-01-31T09:30:00Z) or dates (2026-01-31, midnight UTC); --from is
inclusive, --to exclusive. Outcomes: success, failure, denied, challenged, none.

Output is JSON; errors go to stderr with their stable code, and the exit status is 1.`;

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  name: { type: 'string' },
  tenant: { type: 'string' },
  scope: { type: 'string' },
  'key-id': { type: 'string' },
  'mfa-mode': { type: 'string' },
  'challenge-at': { type: 'string' },
  'deny-at': { type: 'string' },
  'fail-mode': { type: 'string' },
  'step-up': { type: 'string', multiple: true },
  'assertion-lifetime': { type: 'string' },
  'without-factors': { type: 'string' },
  'device-token-days': { type: 'string' },
  user: { type: 'string' },
  type: { type: 'string' },
  outcome: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'loss-value': { type: 'string' },
  currency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

const required = (value: string | undefined, flag: string): string => {
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
};

const integer = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number`);
  return Number(value);
};

const scopeOf = (value: string): ApiKeyScope => {
  if (value !== 'admin' && value !== 'runtime') throw new UsageError('--scope must be admin or runtime');
  return value;
};

const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied', 'challenged', 'none'];

const outcomeOf = (value: string | undefined): AuditOutcome | undefined => {
  if (value === undefined) return undefined;
  const outcome = OUTCOMES.find((known) => known === value);
  if (!outcome) throw new UsageError(`--outcome must be one of ${OUTCOMES.join(', ')}`);
  return outcome;
};

/** `2026-01-31` (midnight UTC) or an RFC 3339 date-time with its offset. */
const timeOf = (value: string | undefined, flag: string): Date | undefined => {
  if (value === undefined) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(text);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text) ||
    Number.isNaN(date.getTime())
  ) {
    throw new UsageError(
      `--${flag} must be a date (2026-01-31) or an RFC 3339 date-time (2026-01-31T09:30:00Z)`,
    );
  }
  return date;
};

/** `payment:500:EUR:challenge` → a step-up rule (amount, currency and decision optional). */
function stepUpRule(spec: string): riskV1.StepUpRule {
  const [actionType = '', minAmount = '', currency = '', decision = 'challenge'] = spec.split(':');
  if (!actionType) throw new UsageError(`--step-up ${spec}: the action type is missing`);
  return { actionType, minAmount, currency, decision };
}

/**
 * Runs one CLI command with the given client factory. Returns the exit status. The API decides
 * what is valid; the CLI only shapes the request and prints the answer (or the typed error).
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  client: (settings: { url: string; key: string }) => PortcullisApi,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${CLI_USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [noun, verb] = positionals;
  // `kpis` is the one command without a verb.
  if (v.help || !noun || (!verb && noun !== 'kpis')) {
    if (v.help) io.out(CLI_USAGE);
    else io.err(CLI_USAGE);
    return v.help ? 0 : 2;
  }
  try {
    const api = client({
      url: required(v.url ?? io.env['PORTCULLIS_URL'], 'url (or PORTCULLIS_URL)'),
      key: required(v.key ?? io.env['PORTCULLIS_API_KEY'], 'key (or PORTCULLIS_API_KEY)'),
    });
    try {
      const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));
      const tenantId = () => required(v.tenant, 'tenant');
      switch (verb === undefined ? noun : `${noun} ${verb}`) {
        case 'tenants create':
          print(
            gatewayV1.CreateTenantResponse.toJSON(await api.createTenant({ name: required(v.name, 'name') })),
          );
          break;
        case 'api-keys create':
          print(
            gatewayV1.CreateApiKeyResponse.toJSON(
              await api.createApiKey({
                tenantId: tenantId(),
                name: required(v.name, 'name'),
                scope: scopeOf(required(v.scope, 'scope')),
              }),
            ),
          );
          break;
        case 'api-keys list':
          print(gatewayV1.ListApiKeysResponse.toJSON(await api.listApiKeys({ tenantId: tenantId() })));
          break;
        case 'api-keys revoke':
          print(
            gatewayV1.RevokeApiKeyResponse.toJSON(
              await api.revokeApiKey({ tenantId: tenantId(), keyId: required(v['key-id'], 'key-id') }),
            ),
          );
          break;
        case 'risk-policy get':
          print(gatewayV1.GetRiskPolicyResponse.toJSON(await api.getRiskPolicy({ tenantId: tenantId() })));
          break;
        case 'risk-policy set': {
          // Starts from the current policy: flags change only what they name.
          const current = (await api.getRiskPolicy({ tenantId: tenantId() })).policy;
          const policy: riskV1.RiskPolicy = {
            mfaMode: v['mfa-mode'] ?? current?.mfaMode ?? '',
            challengeThreshold:
              integer(v['challenge-at'], 'challenge-at') ?? current?.challengeThreshold ?? 0,
            denyThreshold: integer(v['deny-at'], 'deny-at') ?? current?.denyThreshold ?? 0,
            stepUpRules: v['step-up'] ? v['step-up'].map(stepUpRule) : (current?.stepUpRules ?? []),
            signals: current?.signals ?? [],
            failMode: v['fail-mode'] ?? current?.failMode ?? '',
          };
          print(
            gatewayV1.SetRiskPolicyResponse.toJSON(await api.setRiskPolicy({ tenantId: tenantId(), policy })),
          );
          break;
        }
        case 'auth-policy get':
          print(gatewayV1.GetAuthPolicyResponse.toJSON(await api.getAuthPolicy({ tenantId: tenantId() })));
          break;
        case 'auth-policy set': {
          const current = (await api.getAuthPolicy({ tenantId: tenantId() })).policy;
          const policy = {
            ...current,
            assertionLifetimeSeconds:
              integer(v['assertion-lifetime'], 'assertion-lifetime') ?? current?.assertionLifetimeSeconds,
            deviceTokenLifetimeDays:
              integer(v['device-token-days'], 'device-token-days') ?? current?.deviceTokenLifetimeDays,
            withoutFactors: v['without-factors'] ?? current?.withoutFactors,
          };
          print(
            gatewayV1.SetAuthPolicyResponse.toJSON(await api.setAuthPolicy({ tenantId: tenantId(), policy })),
          );
          break;
        }
        case 'factor-policy get':
          print(
            gatewayV1.GetFactorPolicyResponse.toJSON(await api.getFactorPolicy({ tenantId: tenantId() })),
          );
          break;
        case 'audit verify': {
          const verified = await api.verifyAuditLog({ tenantId: tenantId() });
          print(gatewayV1.VerifyAuditLogResponse.toJSON(verified));
          return verified.result.intact ? 0 : 3;
        }
        case 'audit export': {
          const events = api.exportAuditEvents({
            tenantId: tenantId(),
            userId: v.user,
            type: v.type,
            outcome: outcomeOf(v.outcome),
            fromTime: timeOf(v.from, 'from'),
            toTime: timeOf(v.to, 'to'),
          });
          // One compact line per event, written as it arrives.
          for await (const event of events) await io.out(JSON.stringify(gatewayV1.AuditEvent.toJSON(event)));
          break;
        }
        case 'kpis':
          print(
            gatewayV1.GetMfaKpisResponse.toJSON(
              await api.getMfaKpis({
                tenantId: tenantId(),
                fromTime: timeOf(v.from, 'from'),
                toTime: timeOf(v.to, 'to'),
              }),
            ),
          );
          break;
        case 'kpi-settings get':
          print(gatewayV1.GetKpiSettingsResponse.toJSON(await api.getKpiSettings({ tenantId: tenantId() })));
          break;
        case 'kpi-settings set':
          print(
            gatewayV1.SetKpiSettingsResponse.toJSON(
              await api.setKpiSettings({
                tenantId: tenantId(),
                settings: {
                  lossValuePerTakeover: required(v['loss-value'], 'loss-value'),
                  currency: required(v.currency, 'currency'),
                },
              }),
            ),
          );
          break;
        default:
          throw new UsageError(`unknown command "${[noun, verb].filter(Boolean).join(' ')}"`);
      }
      return 0;
    } finally {
      api.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${CLI_USAGE}`);
      return 2;
    }
    if (isPortcullisError(error)) {
      io.err(JSON.stringify({ code: error.code, detail: error.detail, violations: error.violations }));
      return 1;
    }
    throw error;
  }
}
