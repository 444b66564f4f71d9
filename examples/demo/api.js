/**
 * The demo's machine-facing side: an SMS gateway API in the shape of the services Aegis is for
 * (USERS.md, kinds 3 and 4). Every control here is declared in the policy, not coded in a route:
 *
 *   POST /api/sms          one message; an API key with scope sms.send; 200/min per key and
 *                          300/min per client IP; an Idempotency-Key is honoured when sent
 *   POST /api/sms/bulk     up to 200 messages; scope sms.bulk; 10/min per key
 *   POST /api/payments     a payment-style POST; scope payments; an Idempotency-Key is required,
 *                          so a retried request never charges twice
 *   GET  /ops/queue        queue statistics for operators: X-Internal-Secret required (403
 *                          without); the route does not exist when no secret is configured
 *   POST /webhooks/delivery  delivery receipts from the SMS provider: an HMAC request signature
 *                          (RFC 9421 profile) with a fresh nonce; exempt from the CSRF check,
 *                          with its reason written down (`aegis audit csrf` lists it)
 *   GET  /admin            an admin page: signed in with the role admin (401 / 403 otherwise)
 *
 * Messages are not really sent: they are kept in memory (the last 100) to show on /admin.
 */
import express from 'express';
import { adminPage } from './pages.js';

/** The API keys' scopes: what `aegis key create --scopes` is given for the demo's keys. */
export const API_SCOPES = Object.freeze(['sms.send', 'sms.bulk', 'payments']);
/** The webhook signing key's id (`keyid` in Signature-Input). */
export const WEBHOOK_KEY_ID = 'sms-provider';
/** Input limits of the SMS API (USERS.md, kind 3). */
export const SMS_LIMITS = Object.freeze({ text: 500, bulk: 200 });

const E164 = /^\+[1-9]\d{6,14}$/;
const CURRENCY = /^[A-Z]{3}$/;
const KEPT_MESSAGES = 100;

/**
 * The policy options of the API: routes, limits, keys, signatures, idempotency, roles.
 * @param {{ rateLimitStore: import('aegis/stores').RateLimitStore, nonceStore: import('aegis/stores').NonceStore, idempotencyStore: import('aegis/stores').IdempotencyStore, apiKeys: readonly string[], internalSecret?: string, webhookKey?: string, roles: (userId: string) => string[] }} setup
 */
export function apiPolicy(setup) {
  const routes = [
    { path: '/api/sms', method: 'POST', apiKey: { scopes: ['sms.send'] }, idempotency: { required: false } },
    { path: '/api/sms/bulk', method: 'POST', apiKey: { scopes: ['sms.bulk'] }, limits: { body: '1mb' } },
    { path: '/api/payments', method: 'POST', apiKey: { scopes: ['payments'] }, idempotency: true },
  ];
  if (setup.internalSecret) routes.push({ path: '/ops/*', internal: true });
  if (setup.webhookKey) routes.push({ path: '/webhooks/delivery', method: 'POST', signature: true });
  return {
    routes,
    apiKeys: { keys: setup.apiKeys, prefix: 'demo' },
    rateLimit: {
      store: setup.rateLimitStore,
      routes: {
        'POST /api/sms': [
          { limit: '200/min', by: 'apiKey' },
          { limit: '300/min', by: 'ip' },
        ],
        'POST /api/sms/bulk': { limit: '10/min', by: 'apiKey' },
        'POST /api/payments': { limit: '60/min', by: 'apiKey' },
        '/ops/*': { limit: '60/min', by: 'ip' },
      },
    },
    idempotency: { store: setup.idempotencyStore, ttl: '24h' },
    ...(setup.webhookKey ? { signatures: { keys: { [WEBHOOK_KEY_ID]: setup.webhookKey }, nonceStore: setup.nonceStore, window: '5m' } } : {}),
    ...(setup.internalSecret ? { internalSecret: { secrets: [setup.internalSecret] } } : {}),
    roles: {
      of: async (context) => {
        const userId = await context.session?.userId();
        return userId === undefined ? undefined : setup.roles(userId);
      },
    },
    csrf: {
      exemptions: [
        {
          path: '/webhooks/delivery',
          methods: ['POST'],
          reason: 'Delivery receipts from the SMS provider: server-to-server calls, without a browser or a cookie.',
          protectedBy: 'an HMAC request signature with a nonce (routes[].signature)',
        },
        { route: '/api/*', reason: 'The JSON API is called by servers with an API key, never with a cookie.', protectedBy: 'API keys (routes[].apiKey)' },
      ],
    },
  };
}

/**
 * The API's routes on `app` (after the Aegis middleware, which has already checked keys, limits,
 * signatures and idempotency keys by the time a handler runs).
 * @param {import('express').Express} app
 * @param {import('aegis/express').AegisMiddleware} security
 * @param {{ internalSecret?: string, webhookKey?: string }} setup
 */
export function apiRoutes(app, security, setup) {
  const messages = [];
  const payments = [];
  let nextId = 1;
  const keep = (message) => {
    messages.push(message);
    if (messages.length > KEPT_MESSAGES) messages.shift();
    return message;
  };
  // Bodies of signed and idempotent routes were read by Aegis (it needs their bytes) and are
  // already in req.body; this parser handles the others.
  app.use(['/api', '/webhooks'], express.json({ limit: '1mb' }));

  app.post('/api/sms', (req, res) => {
    const problem = smsProblem(req.body);
    if (problem) return res.status(400).type('text').send(`Bad Request: ${problem}\n`);
    const message = keep({ id: `m-${nextId++}`, to: req.body.to, length: req.body.text.length, key: res.locals.aegis.apiKey.id, status: 'queued', at: Date.now() });
    res.status(202).json({ id: message.id, status: message.status, to: maskNumber(message.to) });
  });

  app.post('/api/sms/bulk', (req, res) => {
    const list = req.body?.messages;
    if (!Array.isArray(list) || list.length === 0 || list.length > SMS_LIMITS.bulk) {
      return res.status(400).type('text').send(`Bad Request: messages must be a list of 1 to ${SMS_LIMITS.bulk} messages\n`);
    }
    for (const [index, item] of list.entries()) {
      const problem = smsProblem(item);
      if (problem) return res.status(400).type('text').send(`Bad Request: messages[${index}]: ${problem}\n`);
    }
    const ids = list.map((item) => keep({ id: `m-${nextId++}`, to: item.to, length: item.text.length, key: res.locals.aegis.apiKey.id, status: 'queued', at: Date.now() }).id);
    res.status(202).json({ accepted: ids.length, ids });
  });

  app.post('/api/payments', (req, res) => {
    const { amount, currency } = req.body ?? {};
    if (!Number.isSafeInteger(amount) || amount <= 0 || typeof currency !== 'string' || !CURRENCY.test(currency)) {
      return res.status(400).type('text').send('Bad Request: amount must be a positive whole number of cents and currency three capital letters\n');
    }
    const payment = { id: `pay-${payments.length + 1}`, amount, currency, status: 'captured' };
    payments.push(payment);
    res.status(201).location(`/api/payments/${payment.id}`).json(payment);
  });

  if (setup.internalSecret) {
    app.get('/ops/queue', (_req, res) => {
      const count = (status) => messages.filter((m) => m.status === status).length;
      res.json({ queued: count('queued'), delivered: count('delivered'), failed: count('failed'), payments: payments.length, workers: 1 });
    });
  } else {
    app.all('/ops/*rest', (_req, res) => res.status(503).type('text').send('Service Unavailable: the operations endpoints are off (set INTERNAL_SECRET)\n'));
  }

  if (setup.webhookKey) {
    app.post('/webhooks/delivery', (req, res) => {
      const { id, status } = req.body ?? {};
      const message = messages.find((m) => m.id === id);
      if (!message || (status !== 'delivered' && status !== 'failed')) return res.status(400).type('text').send('Bad Request: unknown message or status\n');
      message.status = status;
      res.status(204).end();
    });
  } else {
    app.post('/webhooks/delivery', (_req, res) => res.status(503).type('text').send('Service Unavailable: webhooks are off (set WEBHOOK_SIGNING_KEY)\n'));
  }

  app.get('/admin', security.requireRole('admin'), (_req, res) => {
    res.type('html').send(adminPage({ messages: messages.slice(-20).reverse().map((m) => ({ ...m, to: maskNumber(m.to) })), payments: payments.length }));
  });
}

/** What is wrong with one message, or undefined. */
function smsProblem(message) {
  if (typeof message?.to !== 'string' || !E164.test(message.to)) return 'to must be a phone number in E.164 form (+ and 7 to 15 digits)';
  if (typeof message.text !== 'string' || message.text.length === 0 || message.text.length > SMS_LIMITS.text) return `text must be 1 to ${SMS_LIMITS.text} characters`;
  return undefined;
}

/** A phone number with all but its last two digits hidden: what the API and the admin page show. */
export function maskNumber(number) {
  return `${number.slice(0, 3)}${'•'.repeat(Math.max(0, number.length - 5))}${number.slice(-2)}`;
}
