/**
 * `aegis/serve`: HTTPS serving with a policy — TLS profile, redirect listener, certificate reload,
 * expiry warnings, graceful shutdown, development certificate, production guard.
 * @packageDocumentation
 */
export { serve } from './serve.js';
export type { AegisServer } from './serve.js';
export type { ServeOptions } from './serve-options.js';
export { tlsProfile, TLS12_CIPHERS, TLS_CURVES } from './tls-profile.js';
export { readTlsMaterial, TlsMaterialError, DEFAULT_PASSPHRASE_ENV } from './tls-material.js';
export type { TlsSource, TlsMaterial } from './tls-material.js';
export { assertProductionReady, AegisProductionError } from '../checks/guard.js';
export type { GuardInput } from '../checks/guard.js';
