// Types for app.js, so that TypeScript tests can build the demo app (the demo itself stays plain JavaScript).
import type { Express } from 'express';
import type { AegisOptions, AegisPolicy } from 'aegis';

/** The exact body of `GET /api/status`. */
export declare const STATUS: Readonly<{ service: 'aegis-demo'; status: 'ok' }>;

/** Builds the demo's policy (from `options`, default `{}`) and the Express app that uses it. */
export declare function createDemo(options?: AegisOptions): { app: Express; policy: AegisPolicy };

/** The demo's security.txt (RFC 9116), expiring 180 days after `now`. */
export declare function securityTxt(now: Date): string;
