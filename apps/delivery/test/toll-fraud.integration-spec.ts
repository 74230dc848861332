import { deliveryV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import { randomUUID } from 'node:crypto';
import { DeliveryHarness } from './delivery-harness';

/** Toll-fraud defence (SECURITY.md 9): countries, block list, budgets racing, bursts. */
describe('delivery: toll-fraud defence', () => {
  const h = new DeliveryHarness();
  let client: GrpcPeer<deliveryV1.DeliveryServiceClient>;

  beforeAll(async () => {
    await h.start();
    client = new GrpcPeer({
      url: `127.0.0.1:${h.config.GRPC_PORT}`,
      protoPath: PROTO_FILES.delivery,
      packageName: PROTO_PACKAGES.delivery,
      serviceName: deliveryV1.DELIVERY_SERVICE_NAME,
      deadlineMs: 5000,
    });
  });
  afterAll(async () => {
    client?.close();
    await h.stop();
  });

  const setPolicy = async (tenantId: string, policy: Record<string, unknown>) =>
    (await client.call('setDeliveryPolicy', { tenantId, policy: deliveryV1.DeliveryPolicy.fromJSON(policy) }))
      .policy!;

  it('refuses countries the tenant does not allow, blocked ranges and invalid numbers, with reasons', async () => {
    const tenantId = randomUUID();
    const policy = await setPolicy(tenantId, { allowedCountries: ['GB', 'IE'], blockedPrefixes: ['+44790'] });
    expect(policy.perNumber).toEqual({ limit: 5, windowSeconds: 3600 });
    const send = (destination: string) => h.deliver.execute(h.codeEvent({ tenantId, destination }).toSend);
    await expect(send('+33612345678')).resolves.toEqual({ status: 'REFUSED', reason: 'COUNTRY_NOT_ALLOWED' });
    await expect(send('+447900000001')).resolves.toEqual({
      status: 'REFUSED',
      reason: 'DESTINATION_BLOCKED',
    });
    await expect(send('+4412')).resolves.toEqual({ status: 'REFUSED', reason: 'INVALID_DESTINATION' });
    await expect(send('+353861234567')).resolves.toMatchObject({ status: 'SENT' });
    expect(
      h.twilio.requests.filter((r) => ['+33612345678', '+447900000001'].includes(r.params['To'])),
    ).toEqual([]);
    // Premium satellite ranges are blocked by default.
    await expect(h.deliver.execute(h.codeEvent({ destination: '+881631234567' }).toSend)).resolves.toEqual({
      status: 'REFUSED',
      reason: 'DESTINATION_BLOCKED',
    });
    const refused = await h.events('delivery.message.refused');
    expect(refused.filter((e) => e.payload['tenantId'] === tenantId).map((e) => e.payload['reason'])).toEqual(
      expect.arrayContaining(['COUNTRY_NOT_ALLOWED', 'DESTINATION_BLOCKED', 'INVALID_DESTINATION']),
    );
    // The flow can ask what became of a code.
    const code = h.codeEvent({ tenantId, destination: '+33612345678' });
    await h.deliver.execute(code.toSend);
    const { message } = await client.call('getMessageStatus', { tenantId, codeId: code.codeId });
    expect(message).toMatchObject({
      status: 'REFUSED',
      reason: 'COUNTRY_NOT_ALLOWED',
      destinationHint: '+33*******78',
    });
  });

  it('holds a per-number budget exactly when parallel sends race it', async () => {
    const tenantId = randomUUID();
    await setPolicy(tenantId, { perNumber: { limit: 3, windowSeconds: 3600 } });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        h.deliver.execute(
          h.codeEvent({ tenantId, destination: '+447911200001', userId: randomUUID() }).toSend,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(3);
    expect(
      outcomes.filter((o) => o.status === 'REFUSED' && o.reason === 'BUDGET_EXCEEDED_NUMBER'),
    ).toHaveLength(9);
    expect(h.twilio.sentTo('+447911200001')).toHaveLength(3);
  });

  it('holds the budget across two instances of the service sharing one database', async () => {
    const second = new DeliveryHarness();
    Object.assign(second, { database: h.database, transportKeys: h.transportKeys });
    // Instances share their settings: the same hash key names the same budget keys.
    await second.start({ MIGRATE_ON_BOOT: 'false', DELIVERY_HASH_KEY: h.config.DELIVERY_HASH_KEY });
    try {
      const tenantId = randomUUID();
      await setPolicy(tenantId, { perNumber: { limit: 4, windowSeconds: 3600 } });
      const send = (instance: DeliveryHarness) =>
        instance.deliver.execute(
          h.codeEvent({ tenantId, destination: '+447911200002', userId: randomUUID() }).toSend,
        );
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => send(i % 2 === 0 ? h : second)),
      );
      expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(4);
      expect(h.twilio.sentTo('+447911200002').length + second.twilio.sentTo('+447911200002').length).toBe(4);
    } finally {
      await second.running.close();
      await Promise.all([second.twilio.stop(), second.smtp.stop(), second.webhook.stop()]);
    }
  });

  it('counts per user, per IP and per tenant too', async () => {
    const tenantId = randomUUID();
    await setPolicy(tenantId, {
      perUser: { limit: 2, windowSeconds: 3600 },
      perIp: { limit: 3, windowSeconds: 3600 },
      perTenant: { limit: 5, windowSeconds: 3600 },
    });
    const userId = randomUUID();
    const send = (destination: string, who = userId, clientIp = '') =>
      h.deliver.execute(h.codeEvent({ tenantId, destination, userId: who, clientIp }).toSend);
    expect((await send('+447911201101')).status).toBe('SENT');
    expect((await send('+447911201102')).status).toBe('SENT');
    await expect(send('+447911201103')).resolves.toEqual({
      status: 'REFUSED',
      reason: 'BUDGET_EXCEEDED_USER',
    });
    // Stuffing from one IP across many users.
    const ip = '203.0.113.7';
    for (const n of ['201', '202', '203'])
      expect((await send(`+447911202${n}`, randomUUID(), ip)).status).toBe('SENT');
    await expect(send('+447911202204', randomUUID(), ip)).resolves.toEqual({
      status: 'REFUSED',
      reason: 'BUDGET_EXCEEDED_IP',
    });
    await expect(send('+447911203301', randomUUID())).resolves.toEqual({
      status: 'REFUSED',
      reason: 'BUDGET_EXCEEDED_TENANT',
    });
    // Budgets count keyed hashes: no full number or IP is stored.
    const rows = await h.query<{ key: string }>('SELECT key FROM send_log WHERE tenant_id = $1', [tenantId]);
    expect(rows.some((r) => r.key.includes('7911202') || r.key.includes(ip))).toBe(false);
  });

  it('raises one fraud alert when a burst hits one prefix', async () => {
    const tenantId = randomUUID();
    await setPolicy(tenantId, {
      burstAlert: { limit: 4, windowSeconds: 300 },
      perNumber: { limit: 100, windowSeconds: 60 },
    });
    for (let i = 0; i < 6; i++) {
      await h.deliver.execute(
        h.codeEvent({ tenantId, destination: `+44791120400${i}`, userId: randomUUID() }).toSend,
      );
    }
    const alerts = (await h.events('delivery.fraud.alert_raised')).filter(
      (e) => e.payload['tenantId'] === tenantId,
    );
    expect(alerts.map((a) => a.payload['scope']).sort()).toEqual(['COUNTRY', 'PREFIX']);
    expect(alerts.find((a) => a.payload['scope'] === 'PREFIX')?.payload).toMatchObject({
      key: '+44791',
      count: 4,
    });
    // Each send counts once toward a burst, not once more for the budget it also passed.
    expect(alerts.find((a) => a.payload['scope'] === 'COUNTRY')?.payload).toMatchObject({
      key: 'GB',
      count: 4,
    });
  });

  it('admits exactly the per-country budget, with burst alerts watching the same sends', async () => {
    const tenantId = randomUUID();
    await setPolicy(tenantId, {
      perCountry: { limit: 3, windowSeconds: 3600 },
      burstAlert: { limit: 100, windowSeconds: 300 },
    });
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(
        await h.deliver.execute(
          h.codeEvent({ tenantId, destination: `+44791120500${i}`, userId: randomUUID() }).toSend,
        ),
      );
    }
    expect(results.map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT', 'REFUSED', 'REFUSED']);
    expect(results[3]).toMatchObject({ reason: 'BUDGET_EXCEEDED_COUNTRY' });
  });

  it('validates a policy with typed errors and changes nothing', async () => {
    const tenantId = randomUUID();
    const error = await client
      .call('setDeliveryPolicy', {
        tenantId,
        policy: deliveryV1.DeliveryPolicy.fromJSON({
          allowedCountries: ['gb'],
          blockedPrefixes: ['44'],
          templates: { 'sms.xx': 'x' },
        }),
      })
      .catch((e: { code: string; details: { violations?: { field: string }[] } }) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await client.call('getDeliveryPolicy', { tenantId })).policy?.allowedCountries).toEqual([]);
  });
});
