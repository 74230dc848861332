import { TOPICS, type Topic } from './topics';
import * as deliveryEvents from './gen/portcullis/events/delivery/v1/delivery_events.pb';
import * as factorsEvents from './gen/portcullis/events/factors/v1/factors_events.pb';
import * as gatewayEvents from './gen/portcullis/events/gateway/v1/gateway_events.pb';
import * as identityEvents from './gen/portcullis/events/identity/v1/identity_events.pb';
import * as riskEvents from './gen/portcullis/events/risk/v1/risk_events.pb';

/** The generated codec of one event payload message. */
export interface EventCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  toJSON(message: T): unknown;
  fromJSON(object: unknown): T;
}

interface EventDefinition<T> {
  readonly topic: Topic;
  /** Fully qualified protobuf message name of the payload. */
  readonly messageName: string;
  readonly codec: EventCodec<T>;
}

function define<T>(topic: Topic, messageName: string, codec: EventCodec<T>): EventDefinition<T> {
  return { topic, messageName, codec };
}

function delivery<T>(message: string, codec: EventCodec<T>): EventDefinition<T> {
  return define(TOPICS.deliveryEvents, `portcullis.events.delivery.v1.${message}`, codec);
}

function factors<T>(message: string, codec: EventCodec<T>): EventDefinition<T> {
  return define(TOPICS.factorsEvents, `portcullis.events.factors.v1.${message}`, codec);
}

function risk<T>(message: string, codec: EventCodec<T>): EventDefinition<T> {
  return define(TOPICS.riskEvents, `portcullis.events.risk.v1.${message}`, codec);
}

function gateway<T>(message: string, codec: EventCodec<T>): EventDefinition<T> {
  return define(TOPICS.gatewayEvents, `portcullis.events.gateway.v1.${message}`, codec);
}

/**
 * Every event type, `<aggregate>.<entity>.<past-verb>`, with its topic and payload codec.
 * Adding an event means adding its message under proto/portcullis/events and one line here.
 */
export const EVENT_CATALOGUE = {
  'identity.tenant.created': define(
    TOPICS.identityEvents,
    'portcullis.events.identity.v1.TenantCreated',
    identityEvents.TenantCreated,
  ),
  'identity.user.created': define(
    TOPICS.identityEvents,
    'portcullis.events.identity.v1.UserCreated',
    identityEvents.UserCreated,
  ),
  'identity.password.set': define(
    TOPICS.identityEvents,
    'portcullis.events.identity.v1.PasswordSet',
    identityEvents.PasswordSet,
  ),
  'identity.user.locked': define(
    TOPICS.identityEvents,
    'portcullis.events.identity.v1.UserStatusChanged',
    identityEvents.UserStatusChanged,
  ),
  'identity.user.unlocked': define(
    TOPICS.identityEvents,
    'portcullis.events.identity.v1.UserStatusChanged',
    identityEvents.UserStatusChanged,
  ),
  'identity.user.disabled': define(
    TOPICS.identityEvents,
    'portcullis.events.identity.v1.UserStatusChanged',
    identityEvents.UserStatusChanged,
  ),
  'factors.enrollment.started': factors('EnrollmentStarted', factorsEvents.EnrollmentStarted),
  'factors.totp.enrolled': factors('FactorEnrolled', factorsEvents.FactorEnrolled),
  'factors.webauthn.enrolled': factors('FactorEnrolled', factorsEvents.FactorEnrolled),
  'factors.sms_otp.enrolled': factors('FactorEnrolled', factorsEvents.FactorEnrolled),
  'factors.voice_otp.enrolled': factors('FactorEnrolled', factorsEvents.FactorEnrolled),
  'factors.email_otp.enrolled': factors('FactorEnrolled', factorsEvents.FactorEnrolled),
  'factors.recovery_codes.enrolled': factors('FactorEnrolled', factorsEvents.FactorEnrolled),
  'factors.factor.updated': factors('FactorUpdated', factorsEvents.FactorUpdated),
  'factors.factor.removed': factors('FactorRemoved', factorsEvents.FactorRemoved),
  'factors.factors.reset': factors('FactorsReset', factorsEvents.FactorsReset),
  'factors.factor.locked': factors('FactorLocked', factorsEvents.FactorLocked),
  'factors.challenge.started': factors('ChallengeStarted', factorsEvents.ChallengeStarted),
  'factors.challenge.verified': factors('ChallengeVerified', factorsEvents.ChallengeVerified),
  'factors.challenge.failed': factors('ChallengeFailed', factorsEvents.ChallengeFailed),
  'factors.recovery_code.used': factors('RecoveryCodeUsed', factorsEvents.RecoveryCodeUsed),
  'factors.webauthn.clone_suspected': factors('WebAuthnCloneSuspected', factorsEvents.WebAuthnCloneSuspected),
  'factors.policy.updated': factors('FactorPolicyUpdated', factorsEvents.FactorPolicyUpdated),
  'factors.code.issued': define(
    TOPICS.factorCodes,
    'portcullis.events.factors.v1.CodeIssued',
    factorsEvents.CodeIssued,
  ),
  'delivery.message.sent': delivery('MessageSent', deliveryEvents.MessageSent),
  'delivery.message.refused': delivery('MessageRefused', deliveryEvents.MessageRefused),
  'delivery.message.failed': delivery('MessageFailed', deliveryEvents.MessageFailed),
  'delivery.message.delivered': delivery('MessageReceipt', deliveryEvents.MessageReceipt),
  'delivery.message.undelivered': delivery('MessageReceipt', deliveryEvents.MessageReceipt),
  'delivery.fraud.alert_raised': delivery('FraudAlertRaised', deliveryEvents.FraudAlertRaised),
  'risk.attempt.scored': risk('AttemptScored', riskEvents.AttemptScored),
  'risk.alert.raised': risk('AlertRaised', riskEvents.AlertRaised),
  'risk.policy.updated': risk('PolicyUpdated', riskEvents.PolicyUpdated),
  'gateway.authentication.succeeded': gateway(
    'AuthenticationSucceeded',
    gatewayEvents.AuthenticationSucceeded,
  ),
  'gateway.authentication.failed': gateway('AuthenticationFailed', gatewayEvents.AuthenticationFailed),
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;

export type EventPayload<K extends EventType> =
  (typeof EVENT_CATALOGUE)[K] extends EventDefinition<infer T> ? T : never;

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, value);
}

export function eventDefinition<K extends EventType>(type: K): EventDefinition<EventPayload<K>> {
  return EVENT_CATALOGUE[type] as unknown as EventDefinition<EventPayload<K>>;
}

export function encodeEventPayload<K extends EventType>(type: K, payload: EventPayload<K>): Buffer {
  return Buffer.from(eventDefinition(type).codec.encode(payload).finish());
}

export function decodeEventPayload<K extends EventType>(type: K, bytes: Uint8Array): EventPayload<K> {
  return eventDefinition(type).codec.decode(bytes);
}

/** The payload in proto3 JSON form (what audit stores and analysts read). */
export function eventPayloadToJson(type: EventType, bytes: Uint8Array): unknown {
  const definition = eventDefinition(type);
  return definition.codec.toJSON(definition.codec.decode(bytes));
}
