import { gatewayV1 } from '@portcullis/contracts';
import type { PortcullisApi } from '../portcullis-api';
import type { AuditEvent } from '../portcullis-api.types';
import { PortcullisError } from '../portcullis.errors';
import { runCli } from './portcullis-cli';

const TENANT = '0b4f5c8e-6a1d-4c2b-9e3f-1a2b3c4d5e6f';

const event = (sequence: number): AuditEvent =>
  gatewayV1.AuditEvent.fromJSON({
    eventId: `e-${sequence}`,
    tenantId: TENANT,
    type: 'factors.challenge.failed',
    sequence: String(sequence),
    outcome: 'failure',
  });

/** The SDK calls the CLI makes, recorded; answers set per test. */
function fakeApi() {
  const calls: { method: string; input: unknown }[] = [];
  let pulled = 0;
  const answers = {
    intact: true,
    setKpiSettings: (input: { settings: unknown }): Promise<unknown> =>
      Promise.resolve({ settings: input.settings }),
  };
  const api = {
    exportAuditEvents(input: unknown) {
      calls.push({ method: 'exportAuditEvents', input });
      return (async function* () {
        for (let sequence = 1; sequence <= 3; sequence += 1) {
          pulled += 1;
          yield event(sequence);
        }
      })();
    },
    verifyAuditLog(input: unknown) {
      calls.push({ method: 'verifyAuditLog', input });
      return Promise.resolve({
        result: {
          intact: answers.intact,
          checked: '3',
          firstSequence: '1',
          lastSequence: '3',
          droppedThroughSequence: '0',
          problems: answers.intact ? [] : [{ kind: 'EDITED', sequence: '2', detail: 'hash differs' }],
        },
      });
    },
    getMfaKpis(input: unknown) {
      calls.push({ method: 'getMfaKpis', input });
      return Promise.resolve({
        kpis: { tenantId: TENANT, adoption: { activeUsers: '4', usersWithFactor: '3', rate: 0.75 } },
      });
    },
    getKpiSettings(input: unknown) {
      calls.push({ method: 'getKpiSettings', input });
      return Promise.resolve({ settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' } });
    },
    setKpiSettings(input: { settings: unknown }) {
      calls.push({ method: 'setKpiSettings', input });
      return answers.setKpiSettings(input);
    },
    close: () => undefined,
  };
  return { api: api as unknown as PortcullisApi, calls, answers, pulled: () => pulled };
}

async function run(argv: string[], fake = fakeApi(), out?: (line: string) => unknown) {
  const lines: string[] = [];
  const err: string[] = [];
  const status = await runCli(
    argv,
    {
      out: (line) => {
        lines.push(line);
        return out?.(line);
      },
      err: (line) => err.push(line),
      env: { PORTCULLIS_URL: 'http://127.0.0.1:1', PORTCULLIS_API_KEY: 'key' },
    },
    () => fake.api,
  );
  return { status, lines, err: err.join('\n'), calls: fake.calls };
}

describe('the portcullis CLI: audit and KPIs', () => {
  it('exports as NDJSON, one compact event per line, with the filters given', async () => {
    const { status, lines, calls } = await run([
      'audit',
      'export',
      '--tenant',
      TENANT,
      '--type',
      'factors.',
      '--outcome',
      'failure',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-31T12:00:00+01:00',
    ]);
    expect(status).toBe(0);
    expect(calls).toEqual([
      {
        method: 'exportAuditEvents',
        input: {
          tenantId: TENANT,
          userId: undefined,
          type: 'factors.',
          outcome: 'failure',
          fromTime: new Date('2026-01-01T00:00:00Z'),
          toTime: new Date('2026-01-31T11:00:00Z'),
        },
      },
    ]);
    expect(lines).toEqual([1, 2, 3].map((n) => JSON.stringify(gatewayV1.AuditEvent.toJSON(event(n)))));
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('waits for the output to drain before it pulls the next event', async () => {
    const fake = fakeApi();
    const pulledWhenWritten: number[] = [];
    const { status } = await run(['audit', 'export', '--tenant', TENANT], fake, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Without waiting, every event would have been pulled by the time the first line is out.
      pulledWhenWritten.push(fake.pulled());
    });
    expect(status).toBe(0);
    expect(pulledWhenWritten).toEqual([1, 2, 3]);
  });

  it('refuses an unknown outcome or an unreadable time as a usage error, before calling', async () => {
    for (const argv of [
      ['audit', 'export', '--tenant', TENANT, '--outcome', 'maybe'],
      ['audit', 'export', '--tenant', TENANT, '--from', 'yesterday'],
      ['kpis', '--tenant', TENANT, '--to', '2026-13-45'],
      ['kpi-settings', 'set', '--tenant', TENANT, '--loss-value', '10'],
      ['kpis', 'now', '--tenant', TENANT],
    ]) {
      const { status, err, calls } = await run(argv);
      expect({ argv, status, calls }).toEqual({ argv, status: 2, calls: [] });
      expect(err).toMatch(/--outcome|--from|--to|--currency|unknown command/);
    }
  });

  it('verifies the chain: exit 0 when intact, 3 with the problems when not', async () => {
    const intact = await run(['audit', 'verify', '--tenant', TENANT]);
    expect(intact.status).toBe(0);
    expect(JSON.parse(intact.lines.join('\n'))).toMatchObject({ result: { intact: true, checked: '3' } });

    const fake = fakeApi();
    fake.answers.intact = false;
    const broken = await run(['audit', 'verify', '--tenant', TENANT], fake);
    expect(broken.status).toBe(3);
    expect(JSON.parse(broken.lines.join('\n'))).toMatchObject({
      result: { checked: '3', problems: [{ kind: 'EDITED', sequence: '2' }] },
    });
  });

  it('prints the KPIs of a period as proto3 JSON', async () => {
    const { status, lines, calls } = await run(['kpis', '--tenant', TENANT, '--from', '2026-01-01']);
    expect(status).toBe(0);
    expect(calls).toEqual([
      {
        method: 'getMfaKpis',
        input: { tenantId: TENANT, fromTime: new Date('2026-01-01T00:00:00Z'), toTime: undefined },
      },
    ]);
    expect(JSON.parse(lines.join('\n'))).toEqual({
      kpis: { tenantId: TENANT, adoption: { activeUsers: '4', usersWithFactor: '3', rate: 0.75 } },
    });
  });

  it('sets and gets the KPI settings, and reports a refused currency with its code', async () => {
    const set = await run([
      'kpi-settings',
      'set',
      '--tenant',
      TENANT,
      '--loss-value',
      '1500.00',
      '--currency',
      'EUR',
    ]);
    expect(set.status).toBe(0);
    expect(set.calls).toEqual([
      {
        method: 'setKpiSettings',
        input: { tenantId: TENANT, settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' } },
      },
    ]);
    expect(JSON.parse(set.lines.join('\n'))).toEqual({
      settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
    });

    const got = await run(['kpi-settings', 'get', '--tenant', TENANT]);
    expect(JSON.parse(got.lines.join('\n'))).toEqual({
      settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
    });

    const fake = fakeApi();
    fake.answers.setKpiSettings = () =>
      Promise.reject(
        new PortcullisError({
          code: 'VALIDATION_FAILED',
          detail: 'Invalid request: currency: must be an ISO 4217 code such as USD',
          status: 400,
          violations: [{ field: 'currency', description: 'must be an ISO 4217 code such as USD' }],
        }),
      );
    const refused = await run(
      ['kpi-settings', 'set', '--tenant', TENANT, '--loss-value', '1', '--currency', 'EURO'],
      fake,
    );
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.err)).toMatchObject({
      code: 'VALIDATION_FAILED',
      violations: [{ field: 'currency' }],
    });
  });
});
