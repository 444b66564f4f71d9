import { describe, expect, it } from 'vitest';
import { checkOrigin, checkOrigins, corsAllowsOrigin, resolveCorsOptions } from '../../src/cors/index.js';

describe('checkOrigin', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['HTTPS://App.Example.COM', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://localhost:80', 'http://localhost'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ])('normalises the exact origin %j to %j', (entry, text) => {
    expect(checkOrigin(entry)).toEqual({ ok: true, rule: { kind: 'exact', text } });
  });

  it('reads patterns into a prefix and a suffix, with the port when it is not the default', () => {
    expect(checkOrigin('https://*.example.com')).toEqual({ ok: true, rule: { kind: 'pattern', text: 'https://*.example.com', prefix: 'https://', suffix: '.example.com' } });
    expect(checkOrigin('HTTPS://*.Example.com:443')).toEqual({ ok: true, rule: { kind: 'pattern', text: 'https://*.example.com', prefix: 'https://', suffix: '.example.com' } });
    expect(checkOrigin('https://*.example.com:8443')).toEqual({ ok: true, rule: { kind: 'pattern', text: 'https://*.example.com:8443', prefix: 'https://', suffix: '.example.com:8443' } });
    expect(checkOrigin('http://*.localhost:3000')).toEqual({ ok: true, rule: { kind: 'pattern', text: 'http://*.localhost:3000', prefix: 'http://', suffix: '.localhost:3000' } });
  });

  it("takes '*' and 'null' literally", () => {
    expect(checkOrigin('*')).toEqual({ ok: true, rule: { kind: 'any', text: '*' } });
    expect(checkOrigin('null')).toEqual({ ok: true, rule: { kind: 'null', text: 'null' } });
  });

  it.each([
    ['https://a.com/', '"https://a.com/" has a trailing "/"; an origin is scheme://host[:port] only.', 'write "https://a.com".'],
    ['https://a.com/app', '"https://a.com/app" has a path; an origin is scheme://host[:port] only.', 'write "https://a.com".'],
    ['https://a.com?x=1', '"https://a.com?x=1" has a query; an origin is scheme://host[:port] only.', 'write "https://a.com".'],
    ['https://a.com#top', '"https://a.com#top" has a fragment; an origin is scheme://host[:port] only.', 'write "https://a.com".'],
    ['https://user:hunter2@a.com', 'an entry holds a user name or password (not repeated here); an origin never has one.', 'remove the user:password@ part and keep scheme://host[:port].'],
    ['ftp://files.example.com', '"ftp://files.example.com" uses the scheme "ftp:"; origins here are http: or https:.', "write 'https://host' (or 'http://localhost:3000' in development)."],
    ['chrome-extension://abcdef', '"chrome-extension://abcdef" uses the scheme "chrome-extension:"; origins here are http: or https:.', "write 'https://host' (or 'http://localhost:3000' in development)."],
    ['app.example.com', '"app.example.com" has no scheme; an origin starts with https:// or http://.', 'write "https://app.example.com".'],
    ['*.example.com', '"*.example.com" has no scheme; an origin starts with https:// or http://.', 'write "https://*.example.com".'],
    ['NULL', '"NULL" is not an origin.', "write 'null' in lower case, as browsers send it."],
    [' https://a.com', '" https://a.com" contains spaces.', 'write "https://a.com".'],
    ['', 'an empty string is not an origin.', "write an origin like 'https://app.example.com' or 'http://localhost:3000'."],
    ['https://', '"https://" is not a valid origin (scheme://host[:port]).', "write an origin like 'https://app.example.com' or 'http://localhost:3000'."],
    ['https://a.com:99999', '"https://a.com:99999" is not a valid origin (scheme://host[:port]).', "write an origin like 'https://app.example.com' or 'http://localhost:3000'."],
    ['https://a.*.com', '"https://a.*.com" has a wildcard that is not the whole first label.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'. Only one leading '*.' is allowed."],
    ['https://*example.com', '"https://*example.com" has a wildcard that is not the whole first label.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'. Only one leading '*.' is allowed."],
    ['https://*.*.example.com', '"https://*.*.example.com" has a wildcard that is not the whole first label.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'. Only one leading '*.' is allowed."],
    ['https://*', '"https://*" has no domain after \'*\'.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'. For any origin, write '*' alone (without credentials)."],
    ['https://*:8443', '"https://*:8443" has no domain after \'*\'.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'. For any origin, write '*' alone (without credentials)."],
    ['https://*.com', '"https://*.com" would allow every site under the top-level domain ".com".', "name your own domain: 'https://*.example.com'."],
    ['https://*.10.0.0.1', '"https://*.10.0.0.1": the part after \'*.\' is not a domain name.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'."],
    ['https://*.[::1]', '"https://*.[::1]": the part after \'*.\' is not a domain name.', "write the wildcard as the whole first label, e.g. 'https://*.example.com'."],
    ['https://*.example.com/', '"https://*.example.com/" has a trailing "/"; an origin is scheme://host[:port] only.', 'write "https://*.example.com".'],
  ])('refuses %j', (entry, message, fix) => {
    expect(checkOrigin(entry)).toEqual({ ok: false, message, fix });
  });

  it('refuses values that are not strings', () => {
    expect(checkOrigin(42)).toEqual({ ok: false, message: '42 is not an origin.', fix: "write an origin like 'https://app.example.com' or 'http://localhost:3000'." });
  });
});

describe('checkOrigins', () => {
  it('drops duplicates after normalisation and reports each bad entry by index', () => {
    const { rules, problems } = checkOrigins(['https://a.com', 'HTTPS://A.COM:443', 'https://a.com/', 'https://*.a.com']);
    expect(rules.map((r) => r.text)).toEqual(['https://a.com', 'https://*.a.com']);
    expect(problems).toEqual([{ index: 2, message: '"https://a.com/" has a trailing "/"; an origin is scheme://host[:port] only.', fix: 'write "https://a.com".' }]);
  });

  it("refuses '*' among other entries", () => {
    expect(checkOrigins(['https://a.com', '*']).problems).toEqual([
      { index: 1, message: "'*' allows every origin, so it cannot be combined with other entries.", fix: "keep '*' alone for a public resource, or remove it and list the origins." },
    ]);
  });
});

describe('corsAllowsOrigin', () => {
  const resolved = resolveCorsOptions({ origins: ['https://app.example.com', 'https://*.example.com', 'HTTP://LocalHost:3000', 'https://*.example.org:8443'] });

  it.each([
    'https://app.example.com',
    'http://localhost:3000',
    'https://a.example.com',
    'https://a.b.c.example.com',
    'https://xn--bcher-kva.example.com',
    'https://a-1.example.com',
    'https://a.example.org:8443',
  ])('allows %j', (origin) => {
    expect(corsAllowsOrigin(resolved, origin)).toBe(true);
  });

  it.each([
    'https://evil-example.com',
    'https://example.com.evil.test',
    'https://a.example.com.evil.test',
    'http://a.example.com',
    'https://a.example.com:8443',
    'https://a.example.com:443',
    'https://example.com',
    'https://.example.com',
    'https://a..example.com',
    'https://A.example.com',
    'https://App.example.com',
    'https://app.example.com/',
    'https://app.example.com ',
    'https://user@a.example.com',
    'https://a.example.com, https://evil.test',
    'https://evil.test/https://a.example.com',
    'https://-a.example.com',
    'https://a.example.org',
    'https://a.example.org:9443',
    'http://localhost:3001',
    'http://localhost',
    'null',
    '',
    `https://${'a.'.repeat(200)}example.com`,
  ])('refuses %j', (origin) => {
    expect(corsAllowsOrigin(resolved, origin)).toBe(false);
  });

  it("allows 'null' only when listed, and any single origin but 'null' with '*'", () => {
    expect(corsAllowsOrigin(resolveCorsOptions({ origins: ['null'] }), 'null')).toBe(true);
    const any = resolveCorsOptions({ origins: ['*'] });
    expect(corsAllowsOrigin(any, 'https://anything.test')).toBe(true);
    expect(corsAllowsOrigin(any, 'null')).toBe(false);
    expect(corsAllowsOrigin(any, 'https://a.test, https://b.test')).toBe(false);
  });

  it('never throws on values that are not strings', () => {
    expect(corsAllowsOrigin(resolved, undefined as unknown as string)).toBe(false);
  });
});
