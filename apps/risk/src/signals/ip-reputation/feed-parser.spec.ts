import { parseFeed } from './feed-parser';

const lines = (...text: string[]) => text.join('\n');

describe('parseFeed', () => {
  it('reads a FireHOL netset, skipping its header comments', () => {
    const netset = lines(
      '#',
      '# firehol_level1',
      '#',
      '# ipv4 hash:net ipset',
      '#',
      '# Maintainer      : FireHOL',
      '# Source File Date: Fri May  3 10:00:00 UTC 2024',
      '#',
      '0.0.0.0/8',
      '1.10.16.0/20',
      '5.134.128.0/19',
      '192.0.2.1',
      '',
    );
    expect(parseFeed(netset)).toEqual({
      entries: ['0.0.0.0/8', '1.10.16.0/20', '5.134.128.0/19', '192.0.2.1'],
      invalidLines: 0,
    });
  });

  it('reads a plain list whose addresses carry trailing comments', () => {
    const list = lines(
      '; spamhaus-style header',
      '// another comment style',
      '# and another',
      '198.51.100.7 # scanner seen 2024-05-01',
      '198.51.100.8;SBL123456',
      '198.51.100.9\tbotnet C2',
      '198.51.100.10#no space',
      '   198.51.100.11   ',
    );
    expect(parseFeed(list)).toEqual({
      entries: ['198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10', '198.51.100.11'],
      invalidLines: 0,
    });
  });

  it("reads the Tor Project's exit-addresses document, keeping only the exit addresses", () => {
    const exitAddresses = lines(
      'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
      'Published 2024-05-01 02:26:33',
      'LastStatus 2024-05-01 10:00:00',
      'ExitAddress 162.247.74.201 2024-05-01 10:04:18',
      'ExitNode 0091174DE56EB8F2DE1E6B4CE8A7A1AB8D3A4D3B',
      'Published 2024-05-01 07:16:13',
      'LastStatus 2024-05-01 09:00:00',
      'ExitAddress 185.220.101.4 2024-05-01 09:16:46',
      'ExitAddress 2a0b:f4c2::4 2024-05-01 09:16:46',
    );
    expect(parseFeed(exitAddresses)).toEqual({
      entries: ['162.247.74.201', '185.220.101.4', '2a0b:f4c2::4'],
      invalidLines: 0,
    });
  });

  it('reads the torbulkexitlist', () => {
    expect(parseFeed('171.25.193.20\n185.220.100.240\n185.220.101.4\n')).toEqual({
      entries: ['171.25.193.20', '185.220.100.240', '185.220.101.4'],
      invalidLines: 0,
    });
  });

  it('reads IPv4 and IPv6 addresses and CIDRs in one list', () => {
    const mixed = lines('203.0.113.0/24', '2001:db8::/32', '2001:db8:1::7', '::ffff:192.0.2.1', '192.0.2.2');
    expect(parseFeed(mixed).entries).toEqual([
      '203.0.113.0/24',
      '2001:db8::/32',
      '2001:db8:1::7',
      '::ffff:192.0.2.1',
      '192.0.2.2',
    ]);
  });

  it('strips a byte-order mark and CRLF line ends', () => {
    expect(parseFeed('\uFEFF# header\r\n192.0.2.1\r\n2001:db8::1 # v6\r\n\r\n')).toEqual({
      entries: ['192.0.2.1', '2001:db8::1'],
      invalidLines: 0,
    });
  });

  it('counts lines that are none of the formats, without throwing', () => {
    const broken = lines(
      '192.0.2.1',
      '<html><body>Rate limited</body></html>',
      '999.1.1.1',
      '192.0.2.0/33',
      'ExitAddress not-an-address 2024-05-01 10:00:00',
      'ExitAddress',
      'Unknown 1.2.3.4',
      'example.org',
    );
    expect(parseFeed(broken)).toEqual({ entries: ['192.0.2.1'], invalidLines: 7 });
  });

  it('reads an empty or comment-only document as no entries', () => {
    expect(parseFeed('')).toEqual({ entries: [], invalidLines: 0 });
    expect(parseFeed('# nothing listed today\n\n')).toEqual({ entries: [], invalidLines: 0 });
  });
});
