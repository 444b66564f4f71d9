// Types for api.js, so that TypeScript tests can use its constants (the demo itself stays plain JavaScript).
import type { AegisOptions } from 'aegis';

/** The API keys' scopes. */
export declare const API_SCOPES: readonly ['sms.send', 'sms.bulk', 'payments'];
/** The webhook signing key's id (`keyid` in Signature-Input). */
export declare const WEBHOOK_KEY_ID: 'sms-provider';
/** Input limits of the SMS API. */
export declare const SMS_LIMITS: Readonly<{ text: 500; bulk: 200 }>;
/** The policy options of the API. */
export declare function apiPolicy(setup: object): Partial<AegisOptions>;
/** The API's routes on an Express app. */
export declare function apiRoutes(app: unknown, security: unknown, setup: { internalSecret?: string; webhookKey?: string }): void;
/** A phone number with all but its first three and last two characters hidden. */
export declare function maskNumber(number: string): string;
