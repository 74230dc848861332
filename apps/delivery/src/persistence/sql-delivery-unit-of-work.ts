import type { EventType } from '@portcullis/contracts';
import type { NewEvent, OutboxWriter } from '@portcullis/messaging';
import { queryRows } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryPolicy } from '../domain/delivery-policy';
import type { Message, MessageStatus } from '../domain/message';
import type { DeliveryTransaction, DeliveryUnitOfWork, MessageRepository, NewMessage } from '../domain/ports';

interface MessageRow {
  code_id: string;
  tenant_id: string;
  user_id: string;
  channel: Message['channel'];
  status: MessageStatus;
  reason: string;
  provider: string;
  provider_message_id: string;
  destination_hint: string;
  country: string;
  attempts: number;
  tried_providers: string[];
  price: string;
  price_unit: string;
  created_at: Date;
  updated_at: Date;
}

const toMessage = (r: MessageRow) => ({
  codeId: r.code_id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  channel: r.channel,
  status: r.status,
  reason: r.reason,
  provider: r.provider,
  providerMessageId: r.provider_message_id,
  destinationHint: r.destination_hint,
  country: r.country,
  attempts: r.attempts,
  triedProviders: r.tried_providers,
  price: r.price,
  priceUnit: r.price_unit,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

class SqlMessageRepository implements MessageRepository {
  constructor(private readonly m: EntityManager) {}

  async insert(n: NewMessage) {
    const rows = await queryRows<unknown>(
      this.m,
      `INSERT INTO messages (code_id, tenant_id, user_id, channel, status, destination_hint, country, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'RECEIVED', $5, $6, $7, $7) ON CONFLICT (code_id) DO NOTHING RETURNING code_id`,
      [n.codeId, n.tenantId, n.userId, n.channel, n.destinationHint, n.country, n.at],
    );
    return rows.length === 1;
  }

  async find(codeId: string) {
    const rows = await queryRows<MessageRow>(this.m, 'SELECT * FROM messages WHERE code_id = $1', [codeId]);
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  async findByProviderId(provider: string, providerMessageId: string) {
    const rows = await queryRows<MessageRow>(
      this.m,
      'SELECT * FROM messages WHERE provider = $1 AND provider_message_id = $2',
      [provider, providerMessageId],
    );
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  async claim(codeId: string, provider: string, at: Date) {
    const rows = await queryRows<unknown>(
      this.m,
      `UPDATE messages SET status = 'SENDING', provider = $2, attempts = attempts + 1, updated_at = $3
       WHERE code_id = $1 AND status = 'RECEIVED' RETURNING code_id`,
      [codeId, provider, at],
    );
    return rows.length === 1;
  }

  async release(codeId: string, at: Date, lastError: string, tried: string | undefined) {
    await this.m.query(
      `UPDATE messages SET status = 'RECEIVED', last_error = $3, updated_at = $2,
         tried_providers = CASE WHEN $4::text IS NULL THEN tried_providers ELSE array_append(tried_providers, $4::text) END
       WHERE code_id = $1 AND status = 'SENDING'`,
      [codeId, at, lastError, tried ?? null],
    );
  }

  async finish(
    codeId: string,
    status: MessageStatus,
    at: Date,
    f: {
      reason?: string;
      providerMessageId?: string;
      lastError?: string;
      price?: string;
      priceUnit?: string;
    },
  ) {
    await this.m.query(
      `UPDATE messages SET status = $2, updated_at = $3,
         reason = COALESCE($4, reason), provider_message_id = COALESCE($5, provider_message_id),
         last_error = COALESCE($6, last_error), price = COALESCE($7, price), price_unit = COALESCE($8, price_unit)
       WHERE code_id = $1`,
      [
        codeId,
        status,
        at,
        f.reason ?? null,
        f.providerMessageId ?? null,
        f.lastError ?? null,
        f.price ?? null,
        f.priceUnit ?? null,
      ],
    );
  }
}

export class SqlDeliveryUnitOfWork implements DeliveryUnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  run<T>(work: (tx: DeliveryTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((m) =>
      work({
        messages: new SqlMessageRepository(m),
        events: {
          record: async <K extends EventType>(event: NewEvent<K>) => {
            await this.outbox.append(m, event);
          },
        },
        policies: {
          find: async (tenantId) =>
            (
              await queryRows<{ policy: DeliveryPolicy }>(
                m,
                'SELECT policy FROM delivery_policies WHERE tenant_id = $1',
                [tenantId],
              )
            )[0]?.policy,
          save: async (tenantId, policy, at) => {
            await m.query(
              `INSERT INTO delivery_policies (tenant_id, policy, updated_at) VALUES ($1, $2, $3)
               ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at`,
              [tenantId, JSON.stringify(policy), at],
            );
          },
        },
        tenants: {
          nameOf: async (tenantId) =>
            (
              await queryRows<{ name: string }>(m, 'SELECT name FROM tenant_names WHERE tenant_id = $1', [
                tenantId,
              ])
            )[0]?.name,
          save: async (tenantId, name) => {
            await m.query(
              `INSERT INTO tenant_names (tenant_id, name) VALUES ($1, $2)
               ON CONFLICT (tenant_id) DO UPDATE SET name = EXCLUDED.name`,
              [tenantId, name],
            );
          },
        },
      }),
    );
  }
}
