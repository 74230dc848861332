import { UAParser } from 'ua-parser-js';
import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/** HTTP libraries, command-line tools, automation frameworks and crawlers. */
const SCRIPTED =
  /\b(curl|wget|python-requests|python-urllib|aiohttp|httpx|go-http-client|java\/|apache-httpclient|libwww-perl|axios|node-fetch|undici|postmanruntime|insomnia|httpie|scrapy|phantomjs|selenium|puppeteer|playwright|headlesschrome|[a-z]*bot\b|crawler|spider)/i;

/**
 * Scripted user agents: none at all, a headless browser, or a known tool. ua-parser-js names the
 * browser; the pattern catches the tools it does not know. Verdicts are cached per distinct
 * user agent (a bounded map), as a few agents make up most traffic.
 */
export class ScriptedClientSignal implements RiskSignal {
  readonly codes = ['SCRIPTED_CLIENT'] as const;
  private readonly verdicts = new Map<string, string | null>();

  constructor(private readonly cacheSize = 2048) {}

  evaluate({ context }: SignalInput, hit: Hit): void {
    const verdict = this.verdict(context.userAgent);
    if (verdict) hit('SCRIPTED_CLIENT', verdict);
  }

  private verdict(userAgent: string): string | null {
    const cached = this.verdicts.get(userAgent);
    if (cached !== undefined) return cached;
    const verdict = this.judge(userAgent);
    if (this.verdicts.size >= this.cacheSize) this.verdicts.clear();
    this.verdicts.set(userAgent, verdict);
    return verdict;
  }

  private judge(userAgent: string): string | null {
    if (userAgent.trim() === '') return 'no user agent';
    const browser = new UAParser(userAgent).getBrowser().name;
    if (browser && /headless/i.test(browser)) return `headless browser (${browser})`;
    const tool = SCRIPTED.exec(userAgent);
    return tool ? `automated client (${tool[1]})` : null;
  }
}
