/** Kafka topics: `portcullis.<domain>.events.v1` per producing service, plus the analysts' topic. */
export const TOPICS = {
  identityEvents: 'portcullis.identity.events.v1',
  factorsEvents: 'portcullis.factors.events.v1',
  /**
   * Codes for delivery to send (sealed under the code-transport key). A command topic: audit
   * does not read it, and it is kept briefly.
   */
  factorCodes: 'portcullis.factors.codes.v1',
  deliveryEvents: 'portcullis.delivery.events.v1',
  riskEvents: 'portcullis.risk.events.v1',
  /** Authentication attempts' outcomes (sign-in, step-up), published by the gateway. */
  gatewayEvents: 'portcullis.gateway.events.v1',
  /** CloudEvents JSON for analysts (published by audit). */
  auditAnalyst: 'portcullis.audit.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Topic-level settings applied whenever a producer ensures its topics. Codes live at most ten
 * minutes, so their sealed copies need not outlive a day of delivery outage.
 */
export const TOPIC_SETTINGS: Readonly<Partial<Record<Topic, Readonly<Record<string, string>>>>> = {
  [TOPICS.factorCodes]: { 'retention.ms': String(24 * 60 * 60 * 1000) },
};

/** Every topic a domain service publishes its events on; audit consumes them all. */
export const DOMAIN_EVENT_TOPICS: readonly Topic[] = [
  TOPICS.identityEvents,
  TOPICS.factorsEvents,
  TOPICS.deliveryEvents,
  TOPICS.riskEvents,
  TOPICS.gatewayEvents,
];

/** A consumer group's dead-letter topic for poison messages read from `topic`. */
export function deadLetterTopicOf(topic: string, consumerGroup: string): string {
  return `${topic}.dlq.${consumerGroup}`;
}

/** Kafka header names carried by every Portcullis event. */
export const EVENT_HEADERS = {
  id: 'event-id',
  type: 'event-type',
  tenantId: 'tenant-id',
  occurredAt: 'occurred-at',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export const EVENT_CONTENT_TYPE = 'application/x-protobuf';
