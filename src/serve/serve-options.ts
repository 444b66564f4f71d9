import type { CookieSettings, CorsSettings } from '../checks/facts.js';
import type { Duration } from '../core/units.js';
import type { TlsSource } from './tls-material.js';

/** Options for {@link serve}. */
export interface ServeOptions {
  /** Port of the main listener (HTTPS, or HTTP behind a proxy). Default 443 in production, 8443 otherwise. */
  port?: number;
  /** Address to bind. Default: every interface (Node's default). */
  host?: string;
  /**
   * The certificate: `{ cert, key }` PEM files (optionally `ca`), or `{ pfx, passphraseEnv }` for a
   * PKCS#12 bundle whose passphrase is read from that environment variable (default
   * `AEGIS_TLS_PASSPHRASE`; never from the command line). `false`: plain HTTP, allowed in production
   * only behind proxies the policy trusts. Default outside production: a self-signed development
   * certificate for localhost, made and cached on first use.
   */
  tls?: TlsSource | false;
  /** Port of a plain-HTTP listener that only redirects to HTTPS; `false` for none. Default 80 in production, 8080 otherwise. */
  redirectPort?: number | false;
  /** Offer HTTP/2 by ALPN. Default: yes, except for Express/Connect apps, which only speak HTTP/1.1. */
  http2?: boolean;
  /** How long in-flight requests may take to finish on shutdown. Default `'10s'`. */
  shutdownTimeout?: Duration;
  /** Shut down gracefully on SIGTERM and SIGINT, then exit 0. Default `true`. */
  handleSignals?: boolean;
  /** Reload the certificate when its files change. Default `true`. */
  watchCertificate?: boolean;
  /** Where the development certificate is cached. Default `.aegis/dev-cert` under the working directory. */
  devCertificateDir?: string;
  /** Cookie settings the application uses, checked by the production guard. */
  cookies?: CookieSettings;
  /** CORS settings the application uses, checked by the production guard. */
  cors?: CorsSettings;
  /** The application's configuration (from `loadConfig`): its secrets are checked by the production guard. */
  config?: object;
  /** The application runs in debug mode (refused in production). Default `false`. */
  debug?: boolean;
  /** On a refused production start, print the findings and exit 1 (`true`, the default) or throw. */
  exitOnRefusal?: boolean;
}
