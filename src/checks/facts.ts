import type { PolicySummary } from '../core/policy.js';

/** What a deploy check looks at: the policy, how TLS is provided, and the process's settings. */
export interface DeploymentFacts {
  readonly policy: PolicySummary;
  readonly tls: TlsFacts;
  /** Cookie settings the application declares (Aegis' own cookie features use these defaults too). */
  readonly cookies?: CookieSettings;
  /** The CORS settings the application declares. */
  readonly cors?: CorsSettings;
  /** Problems found with the application's secrets (from `loadConfig`), without their values. */
  readonly secretProblems: readonly SecretProblem[];
  /** Other configuration problems (a required setting missing or malformed), by variable name. */
  readonly configProblems: readonly SecretProblem[];
  readonly debug: DebugFacts;
  readonly now: Date;
}

/** How clients reach the service over TLS. */
export type TlsFacts =
  /** Aegis serves TLS itself with this certificate (or failed to read it: `error`). */
  | {
      readonly kind: 'certificate';
      /** The files, for messages (`cert.pem + key.pem`, `bundle.pfx`). */
      readonly source: string;
      /** The file that holds the certificate (the PEM certificate or the bundle), when known; messages about the certificate alone name it. */
      readonly certificateFile?: string;
      readonly certificate?: CertificateFacts;
      /** Why the certificate could not be read (it names the file, never a passphrase). */
      readonly error?: string;
      /** What to do about `error`, when something more precise than the generic advice applies. */
      readonly fix?: string;
      /**
       * Whether a plain-HTTP listener redirects to HTTPS (serve()'s `redirectPort`). `false` when it
       * is turned off (`redirectPort: false`); left out when there is one, or when it is not known.
       */
      readonly redirectListener?: boolean;
    }
  /** Plain HTTP behind a proxy that terminates TLS (the policy must trust it). */
  | { readonly kind: 'proxy' }
  /** Plain HTTP and no proxy: nothing encrypts the traffic. */
  | { readonly kind: 'none' }
  /** Not described (e.g. `aegis check` of a module that exports no serve options). */
  | { readonly kind: 'unknown' };

/** The certificate facts the checks need. */
export interface CertificateFacts {
  readonly validTo: Date;
  readonly selfSigned: boolean;
  /** Allowed host patterns the certificate does not cover. */
  readonly uncoveredHosts: readonly string[];
}

/**
 * Cookie settings. `secure` and `httpOnly` default to true: that is what Aegis' session and CSRF
 * cookies use, and what an application's own cookies should use.
 */
export interface CookieSettings {
  /** Session cookies are sent only over HTTPS. Default true. */
  readonly secure?: boolean;
  /** Session cookies are hidden from scripts. Default true. */
  readonly httpOnly?: boolean;
  /** The CSRF cookie, when the application uses one. */
  readonly csrf?: { readonly secure?: boolean };
}

/** CORS settings: allowed origins (or `'*'`) and whether credentials are allowed. */
export interface CorsSettings {
  readonly origins: '*' | readonly string[];
  readonly credentials?: boolean;
}

/** A secret that failed its checks: its variable name and what is wrong (never its value). */
export interface SecretProblem {
  readonly name: string;
  readonly message: string;
  /** What to do, when the source of the problem knows better than the generic advice (loadConfig does). */
  readonly fix?: string;
}

/** Debugging switches that must be off in production. */
export interface DebugFacts {
  /** The process was started with --inspect (or NODE_OPTIONS carries it). */
  readonly inspector: boolean;
  /** NODE_ENV, which frameworks read to choose verbose error pages. */
  readonly nodeEnv: string | undefined;
  /** DEBUG, which turns on the `debug` module's output. */
  readonly debugEnv: string | undefined;
  /** The application says it runs in debug mode. */
  readonly declared: boolean;
}

/** Reads the debug facts of a process. */
export function processDebugFacts(declared = false, env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): DebugFacts {
  const inspect = /^--inspect(?:-brk|-wait)?(?:=|$)/;
  const fromOptions = (env.NODE_OPTIONS ?? '').split(/\s+/).some((arg) => inspect.test(arg));
  return { inspector: fromOptions || execArgv.some((arg) => inspect.test(arg)), nodeEnv: env.NODE_ENV, debugEnv: env.DEBUG || undefined, declared };
}
