import { clientNetwork, isIpAddress } from './client-network';

describe('client network', () => {
  it.each([
    ['192.0.2.77', '192.0.2.0/24'],
    ['192.0.2.1', '192.0.2.0/24'],
    ['198.51.100.200', '198.51.100.0/24'],
    ['::ffff:192.0.2.77', '192.0.2.0/24'],
    ['2001:db8:aa:bb::1', '2001:db8:aa::/48'],
    ['2001:0db8:00aa:ffff:1:2:3:4', '2001:db8:aa::/48'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%s is counted as %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  it('accepts only dotted-quad IPv4 and IPv6 addresses', () => {
    expect(['192.0.2.1', '2001:db8::1', '::ffff:192.0.2.1'].every(isIpAddress)).toBe(true);
    expect(['192.0.2', '0x7f.1', '127.1', 'localhost', '192.0.2.1/24', ''].some(isIpAddress)).toBe(false);
  });
});
