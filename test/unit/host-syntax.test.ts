import { describe, expect, it } from 'vitest';
import { parseHost } from '../../src/transport/index.js';

describe('parseHost', () => {
  it.each([
    ['example.com', { hostname: 'example.com', port: undefined, ip: false }],
    ['Example.COM:8443', { hostname: 'example.com', port: 8443, ip: false }],
    ['example.com.', { hostname: 'example.com', port: undefined, ip: false }],
    ['localhost:3000', { hostname: 'localhost', port: 3000, ip: false }],
    ['127.0.0.1', { hostname: '127.0.0.1', port: undefined, ip: true }],
    ['127.0.0.1:80', { hostname: '127.0.0.1', port: 80, ip: true }],
    ['[::1]', { hostname: '::1', port: undefined, ip: true }],
    ['[2001:DB8::1]:443', { hostname: '2001:db8::1', port: 443, ip: true }],
    ['a-b.c_d.example', { hostname: 'a-b.c_d.example', port: undefined, ip: false }],
  ])('%s', (input, expected) => {
    expect(parseHost(input)).toEqual(expected);
  });

  it.each([
    [''],
    ['exa mple.com'],
    ['example.com:'],
    ['example.com:0'],
    ['example.com:65536'],
    ['example.com:80:80'],
    ['user@example.com'],
    ['example.com/path'],
    ['::1'],
    ['[::1'],
    ['[::1]x'],
    ['[fe80::1%25eth0]'],
    ['-example.com'],
    ['example..com'],
    ['1.2.3'],
    ['0x7f.1'],
    ['2130706433'],
    ['a'.repeat(64) + '.com'],
    ['evil.com\r\nX: y'],
  ])('%j is not a host', (input) => {
    expect(parseHost(input)).toBeUndefined();
  });
});
