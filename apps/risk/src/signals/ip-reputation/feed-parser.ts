import { isIpOrCidr } from './ip-range-set';

export interface ParsedFeed {
  /** Addresses and CIDRs, as written in the feed. */
  readonly entries: string[];
  /** Lines that are neither blank, a comment, a known keyword line nor an address or CIDR. */
  readonly invalidLines: number;
}

/** Keyword lines of the Tor Project's exit-addresses document that carry no address. */
const TOR_METADATA = /^(?:ExitNode|Published|LastStatus)(?:\s|$)/;
const TOR_EXIT_ADDRESS = /^ExitAddress\s+(\S+)/;
/** The first token of a list line: an address or CIDR, then optionally whitespace, `#` or `;` and a comment. */
const FIRST_TOKEN = /^[^\s#;]+/;

function isComment(line: string): boolean {
  return line.startsWith('#') || line.startsWith(';') || line.startsWith('//');
}

/**
 * Reads a threat feed: FireHOL netsets (a CIDR or address per line), plain address lists with
 * trailing comments, the Tor Project's exit-addresses document and its torbulkexitlist. Each line
 * is classified on its own, so no format has to be declared and a mixed document reads as well;
 * what matches none of them is counted, never thrown.
 */
export function parseFeed(text: string): ParsedFeed {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const entries: string[] = [];
  let invalidLines = 0;
  for (const raw of body.split('\n')) {
    // trim() also drops the \r of CRLF line ends.
    const line = raw.trim();
    if (line === '' || isComment(line) || TOR_METADATA.test(line)) continue;
    const token = TOR_EXIT_ADDRESS.exec(line)?.[1] ?? FIRST_TOKEN.exec(line)?.[0];
    if (token !== undefined && isIpOrCidr(token)) entries.push(token);
    else invalidLines++;
  }
  return { entries, invalidLines };
}
