import { describe, expect, it } from 'vitest';
import { auditCsrfExemptions, formatCsrfAudit, resolveCsrfOptions } from '../../src/csrf/index.js';
import type { CsrfExemption } from '../../src/csrf/index.js';

// The exemption audit behind `aegis audit csrf`: the rows, and the text formatCsrfAudit writes.

const rowsOf = (exemptions: CsrfExemption[]) => auditCsrfExemptions(resolveCsrfOptions({ exemptions }));

describe('auditCsrfExemptions', () => {
  const resolved = resolveCsrfOptions({
    exemptions: [
      { path: '/hooks/stripe', methods: ['POST'], reason: 'Stripe webhook', protectedBy: 'Stripe-Signature HMAC' },
      { route: '/legacy/*', reason: 'old mobile app\nFORGED LINE' },
    ],
  });

  it('lists every exemption and flags the unprotected one', () => {
    expect(auditCsrfExemptions(resolved)).toEqual([
      { index: 0, path: '/hooks/stripe', methods: ['POST'], reason: 'Stripe webhook', protectedBy: 'Stripe-Signature HMAC', unprotected: false },
      { index: 1, route: '/legacy/*', methods: ['*'], reason: 'old mobile app\nFORGED LINE', protectedBy: null, unprotected: true },
    ]);
  });

  it('upper-cases methods, drops duplicates, and trims reason and protectedBy', () => {
    expect(rowsOf([{ path: '/a', methods: ['post', 'PUT', 'Post'], reason: '  why  ', protectedBy: ' HMAC ' }])).toEqual([
      { index: 0, path: '/a', methods: ['POST', 'PUT'], reason: 'why', protectedBy: 'HMAC', unprotected: false },
    ]);
  });

  it('formats a text report, each policy string on one line', () => {
    expect(formatCsrfAudit(auditCsrfExemptions(resolved))).toBe(
      [
        'CSRF exemptions: 2',
        '',
        '[0] POST path /hooks/stripe',
        '    reason:       Stripe webhook',
        '    protected by: Stripe-Signature HMAC',
        '',
        '[1] * route /legacy/*  UNPROTECTED',
        '    reason:       old mobile app FORGED LINE',
        '    protected by: (nothing declared)',
        '',
        '1 of 2 exemptions declares no replacement protection: set protectedBy, or remove the exemption.',
        '',
      ].join('\n'),
    );
  });

  it('says when there are no exemptions', () => {
    expect(formatCsrfAudit([])).toBe('CSRF exemptions: none. Every unsafe request is checked.\n');
  });

  it('words the summary for one, several, all and none unprotected', () => {
    const summary = (exemptions: CsrfExemption[]) => formatCsrfAudit(rowsOf(exemptions)).trimEnd().split('\n').at(-1);
    const shielded: CsrfExemption = { path: '/hooks/a', reason: 'webhook', protectedBy: 'HMAC' };
    const bare: CsrfExemption = { path: '/hooks/b', reason: 'legacy' };
    expect(summary([shielded])).toBe('The exemption declares a replacement protection.');
    expect(summary([shielded, { ...shielded, path: '/hooks/c' }])).toBe('All 2 exemptions declare a replacement protection.');
    expect(summary([bare])).toBe('1 of 1 exemption declares no replacement protection: set protectedBy, or remove the exemption.');
    expect(summary([bare, { ...bare, path: '/hooks/c' }, shielded])).toBe('2 of 3 exemptions declare no replacement protection: set protectedBy, or remove the exemption.');
  });

  it('wraps only the UNPROTECTED flag with options.flag', () => {
    const text = formatCsrfAudit(rowsOf([{ path: '/hooks/a', reason: 'legacy' }]), { flag: (t) => `<${t}>` });
    expect(text.split('\n')[2]).toBe('[0] * path /hooks/a  <UNPROTECTED>');
    expect(text.match(/</g)).toHaveLength(1);
  });
});
