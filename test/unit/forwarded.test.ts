import { describe, expect, it } from 'vitest';
import { forwardedAddress, parseForwarded } from '../../src/transport/index.js';

describe('Forwarded header (RFC 7239)', () => {
  it('reads hops left to right with their parameters', () => {
    expect(parseForwarded('for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711";proto=https;host=example.com')).toEqual([
      { for: '192.0.2.60', proto: 'http', by: '203.0.113.43' },
      { for: '[2001:db8:cafe::17]:4711', proto: 'https', host: 'example.com' },
    ]);
  });

  it('is case-insensitive for parameter names and unescapes quoted strings', () => {
    expect(parseForwarded('For="192.0.2.43:47011";Host="ex\\"ample"')).toEqual([{ for: '192.0.2.43:47011', host: 'ex"ample' }]);
  });

  it.each([['for'], ['for=1.2.3.4;for=5.6.7.8'], ['for="1.2.3.4'], ['for=1.2.3.4 x=y'], ['=1.2.3.4'], ['']])('%j is malformed', (value) => {
    expect(parseForwarded(value)).toBeUndefined();
  });

  it.each([
    ['192.0.2.43', '192.0.2.43'],
    ['192.0.2.43:47011', '192.0.2.43'],
    ['[2001:db8::17]:4711', '2001:db8::17'],
    ['[2001:db8::17]', '2001:db8::17'],
    ['_hidden', '_hidden'],
    [undefined, undefined],
  ])('address of %j is %j', (node, expected) => {
    expect(forwardedAddress(node)).toBe(expected);
  });
});
