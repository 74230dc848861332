import { Injectable } from '@nestjs/common';
import { eventPayloadToJson } from '@portcullis/contracts';
import type { ConsumedEvent } from '@portcullis/messaging';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../domain/ports';

/** Appends one consumed domain event to the audit log, in the consumer's transaction. */
@Injectable()
export class RecordAuditEventUseCase {
  constructor(private readonly log: AuditLog) {}

  async execute(event: ConsumedEvent, manager: EntityManager): Promise<void> {
    const data = eventPayloadToJson(event.type, event.payload) as Record<string, unknown>;
    const userId = typeof data['userId'] === 'string' && data['userId'] ? data['userId'] : undefined;
    await this.log.append(manager, {
      eventId: event.id,
      tenantId: event.tenantId,
      type: event.type,
      userId,
      source: event.topic,
      occurredAt: event.occurredAt,
      data,
    });
  }
}
