import { Injectable } from '@nestjs/common';
import type { AuditEvent, AuditFilter } from '../../domain/audit-event';
import { pageTokenInvalid } from '../../domain/audit.errors';
import { AuditLog } from '../../domain/ports';

export interface ListAuditEventsInput extends AuditFilter {
  readonly pageSize: number;
  readonly pageToken?: string | undefined;
}

export interface AuditEventPage {
  readonly events: AuditEvent[];
  readonly nextPageToken: string | undefined;
}

const encodeToken = (sequence: string) => Buffer.from(`seq:${sequence}`).toString('base64url');

function decodeToken(token: string): string {
  const match = /^seq:(\d{1,19})$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match?.[1]) throw pageTokenInvalid();
  return match[1];
}

@Injectable()
export class ListAuditEventsUseCase {
  constructor(private readonly log: AuditLog) {}

  async execute(input: ListAuditEventsInput): Promise<AuditEventPage> {
    const { pageSize: _pageSize, pageToken: _pageToken, ...filter } = input;
    const events = await this.log.list({
      ...filter,
      afterSequence: input.pageToken ? decodeToken(input.pageToken) : undefined,
      limit: input.pageSize + 1,
    });
    const page = events.slice(0, input.pageSize);
    const last = page[page.length - 1];
    return {
      events: page,
      nextPageToken: events.length > input.pageSize && last ? encodeToken(last.sequence) : undefined,
    };
  }
}
