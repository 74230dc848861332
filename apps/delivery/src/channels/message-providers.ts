import type { Channel } from '../domain/templates';
import type { MessageProvider } from './message-provider';

/** The ordered failover list of providers of each channel, from settings. */
export class MessageProviders {
  constructor(private readonly providers: readonly MessageProvider[]) {}

  of(channel: Channel): readonly MessageProvider[] {
    return this.providers.filter((p) => p.channel === channel);
  }
}
