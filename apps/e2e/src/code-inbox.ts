import { decodeEventPayload, EVENT_HEADERS, TOPICS } from '@portcullis/contracts';
import { EnvelopeCipher, parseKeyRing } from '@portcullis/crypto';
import { eventually, kafkaProbe } from '@portcullis/testing';

export interface ReceivedCode {
  readonly codeId: string;
  readonly channel: string;
  readonly code: string;
  readonly destination: string;
  readonly action: string;
  readonly locale: string;
}

/**
 * The test's phone and mailbox: reads factors.code.issued from Kafka and opens the sealed code
 * with the code-transport key, as the delivery service does.
 */
export class CodeInbox {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly probe: Awaited<ReturnType<typeof kafkaProbe>>,
    private readonly cipher: EnvelopeCipher,
  ) {}

  static async open(brokers: string[], transportKeys: string): Promise<CodeInbox> {
    const probe = await kafkaProbe(brokers, [TOPICS.factorCodes]);
    return new CodeInbox(probe, new EnvelopeCipher(parseKeyRing(transportKeys)));
  }

  /** The next code sent to this user that the test has not read yet. */
  next(userId: string): Promise<ReceivedCode> {
    return eventually(() => {
      for (const message of this.probe.received) {
        if (message.headers[EVENT_HEADERS.type] !== 'factors.code.issued' || !message.value) continue;
        const event = decodeEventPayload('factors.code.issued', message.value);
        if (event.userId !== userId || this.seen.has(event.codeId)) continue;
        this.seen.add(event.codeId);
        const open = (value: string, aad: string) =>
          this.cipher.open({ keyId: event.sealedKeyId, value }, aad).toString('utf8');
        return Promise.resolve({
          codeId: event.codeId,
          channel: event.channel,
          code: open(event.sealedCode, `code:${event.codeId}`),
          destination: open(event.sealedDestination, `code:${event.codeId}:destination`),
          action: event.action,
          locale: event.locale,
        });
      }
      return Promise.reject(new Error(`no new code for ${userId} yet`));
    });
  }

  close(): Promise<void> {
    return this.probe.stop();
  }
}
