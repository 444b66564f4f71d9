import { describe, expectTypeOf, it } from 'vitest';
import { configMeta, generateSecret, loadConfig, type Config, type ConfigSchema, type ConfigSource, type Secret, type SecretRing } from '../../src/config/index.js';

/**
 * The result type is inferred from the schema. `tsc --noEmit -p tsconfig.json` checks these
 * (each `@ts-expect-error` must be an error); vitest only runs them.
 */
const schema = {
  port: { env: 'PORT', type: 'port', default: 3000 },
  databaseUrl: { env: 'DATABASE_URL', type: 'url', required: true },
  sessionSecret: { env: 'SESSION_SECRET', type: 'secret', required: true },
  signingKeys: { env: 'SIGNING_KEYS', type: 'secrets' },
  logLevel: { env: 'LOG_LEVEL', type: 'enum', values: ['debug', 'info', 'warn'] as const, default: 'info' },
  requestTimeout: { env: 'REQUEST_TIMEOUT', type: 'duration', default: '30s' },
  maxUpload: { env: 'MAX_UPLOAD', type: 'size', default: '10mb' },
  debug: { env: 'DEBUG_MODE', type: 'boolean', default: false },
  name: { env: 'APP_NAME', type: 'string' },
  workers: { env: 'WORKERS', type: 'integer', defaults: { development: 1 } },
  ratio: { env: 'RATIO', type: 'number', required: false },
} satisfies ConfigSchema;

type Loaded = Config<typeof schema>;

describe('Config<typeof schema>', () => {
  it('makes required and defaulted keys present, the others optional', () => {
    expectTypeOf<Loaded>().toEqualTypeOf<{
      readonly port: number;
      readonly databaseUrl: string;
      readonly sessionSecret: Secret;
      readonly logLevel: 'debug' | 'info' | 'warn';
      readonly requestTimeout: number;
      readonly maxUpload: number;
      readonly debug: boolean;
      readonly signingKeys?: SecretRing;
      readonly name?: string;
      readonly workers?: number;
      readonly ratio?: number;
    }>();
  });

  it('is what loadConfig returns, for a schema written inline too', () => {
    const env = { DATABASE_URL: 'https://db.example', SESSION_SECRET: generateSecret() };
    const config = loadConfig(schema, { env, profile: 'test' });
    expectTypeOf(config).toEqualTypeOf<Loaded>();
    expectTypeOf(config.sessionSecret.reveal()).toBeString();
    expectTypeOf(config.signingKeys?.current).toEqualTypeOf<Secret | undefined>();

    const inline = loadConfig({ mode: { env: 'MODE', type: 'enum', values: ['a', 'b'], default: 'a' }, key: { env: 'KEY', type: 'secret' } }, { env: { KEY: 'k' }, profile: 'test' });
    expectTypeOf(inline.mode).toEqualTypeOf<'a' | 'b'>();
    expectTypeOf(inline.key).toEqualTypeOf<Secret | undefined>();
    expectTypeOf(configMeta(inline).source).toEqualTypeOf<Readonly<Partial<Record<'mode' | 'key', ConfigSource>>>>();
  });

  it('rejects wrong uses at compile time', () => {
    // Never called: only the compiler looks at these lines.
    const wrongUses = (config: Loaded) => {
      // @ts-expect-error port is a number
      config.port.toUpperCase();
      // @ts-expect-error 'trace' is not one of the enum values
      if (config.logLevel === 'trace') throw new Error('unreachable');
      // @ts-expect-error signingKeys may be undefined
      config.signingKeys.current.reveal();
      // @ts-expect-error a secret is not a string
      const text: string = config.sessionSecret;
      // @ts-expect-error the configuration is read-only
      config.port = 1;
      // @ts-expect-error no such key
      void config.sessionSecrets;
      void text;
    };
    expectTypeOf(wrongUses).toBeFunction();
  });

  it('rejects wrong schemas at compile time', () => {
    // @ts-expect-error a secret has no default in code
    void ({ s: { env: 'S', type: 'secret', default: 'changeme' } } satisfies ConfigSchema);
    // @ts-expect-error a port default is a number
    void ({ p: { env: 'P', type: 'port', default: '3000' } } satisfies ConfigSchema);
    // @ts-expect-error an enum needs its values
    void ({ l: { env: 'L', type: 'enum', default: 'info' } } satisfies ConfigSchema);
    // @ts-expect-error production has no schema default
    void ({ p: { env: 'P', type: 'port', defaults: { production: 80 } } } satisfies ConfigSchema);
    // @ts-expect-error unknown type
    void ({ f: { env: 'F', type: 'float' } } satisfies ConfigSchema);
  });
});
