import type { Channel } from './templates';

export type MessageStatus =
  | 'RECEIVED'
  | 'SENDING'
  | 'SENT'
  | 'DELIVERED'
  | 'UNDELIVERED'
  | 'FAILED'
  | 'REFUSED'
  | 'UNCERTAIN'
  | 'EXPIRED';

/** Statuses after which nothing more is sent for the code. */
export const FINAL_STATUSES: readonly MessageStatus[] = [
  'SENT',
  'DELIVERED',
  'UNDELIVERED',
  'FAILED',
  'REFUSED',
  'UNCERTAIN',
  'EXPIRED',
];

export type RefusalReason =
  | 'COUNTRY_NOT_ALLOWED'
  | 'DESTINATION_BLOCKED'
  | 'INVALID_DESTINATION'
  | 'BUDGET_EXCEEDED_NUMBER'
  | 'BUDGET_EXCEEDED_USER'
  | 'BUDGET_EXCEEDED_IP'
  | 'BUDGET_EXCEEDED_TENANT'
  | 'BUDGET_EXCEEDED_COUNTRY';

export type FailureReason =
  'PROVIDERS_FAILED' | 'NO_PROVIDER' | 'OUTCOME_UNKNOWN' | 'CODE_EXPIRED' | 'INVALID_DESTINATION';

/** One code's message: at most one paid message per code id (the challenge id). */
export interface Message {
  readonly codeId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly channel: Channel;
  readonly status: MessageStatus;
  readonly reason: string;
  readonly provider: string;
  readonly providerMessageId: string;
  readonly destinationHint: string;
  readonly country: string;
  readonly attempts: number;
  readonly price: string;
  readonly priceUnit: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** "+447700900123" → "+44*******23"; "jane@example.com" → "j***@example.com". */
export function destinationHint(destination: string): string {
  if (destination.includes('@')) {
    const at = destination.lastIndexOf('@');
    return `${destination.slice(0, 1)}***${destination.slice(at)}`;
  }
  return `${destination.slice(0, 3)}${'*'.repeat(Math.max(destination.length - 5, 0))}${destination.slice(-2)}`;
}
