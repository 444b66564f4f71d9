// Types for app.js, so that TypeScript tests can build the demo app (the demo itself stays plain JavaScript).
import type { Express } from 'express';
import type { AegisOptions, AegisPolicy } from 'aegis';
import type { Secret } from 'aegis/config';
import type { IdempotencyStore, NonceStore, RateLimitStore, SessionStore } from 'aegis/stores';

/** The exact body of `GET /api/status`. */
export declare const STATUS: Readonly<{ service: 'aegis-demo'; status: 'ok' }>;

/** Aegis options, plus where the demo's sessions live and the key that signs their cookie. */
export interface DemoOptions extends AegisOptions {
  /**
   * Where sessions live (default: `memorySessionStore()`). Ignored when `sessions` is given.
   * The demo never closes it: whoever made it does.
   */
  sessionStore?: SessionStore;
  /** The key that signs the session cookie: 32 random bytes, base64url (default: a random one). Ignored when `sessions` is given. */
  sessionKey?: string | Secret;
  /** The SMS gateway API's stores and secrets (api.js). Stores default to memory ones; without `internalSecret` /ops/* answers 503, without `webhookKey` the webhook does. */
  api?: DemoApiOptions;
}

/** What the demo's API needs (api.js). */
export interface DemoApiOptions {
  rateLimitStore?: RateLimitStore;
  nonceStore?: NonceStore;
  idempotencyStore?: IdempotencyStore;
  /** Stored API key lines (`aegis key create`). Default: none (every API call 401). */
  apiKeys?: readonly string[];
  /** The X-Internal-Secret of /ops/*. */
  internalSecret?: string;
  /** The key the webhook's sender signs with (key id `sms-provider`). */
  webhookKey?: string;
}

/**
 * Builds the demo's policy (from `options`, default `{}`) and the Express app that uses it: the
 * pages about headers, plus sign-in (`/login`, `/logout`) and the account page (`/account`, its
 * note form, the list of the user's sessions, "sign out everywhere"). `sessions: false` turns
 * sign-in off (those pages answer 503).
 */
export declare function createDemo(options?: DemoOptions): { app: Express; policy: AegisPolicy };

/** The demo's security.txt (RFC 9116), expiring 180 days after `now`. */
export declare function securityTxt(now: Date): string;
