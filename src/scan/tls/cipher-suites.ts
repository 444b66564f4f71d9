/**
 * Cipher suite codes and their IANA names, with the properties a scan grades on, derived from the
 * name (one rule for the whole table, so a row cannot contradict its name). Covers the TLS 1.3
 * suites, the modern ECDHE/DHE AEAD suites (GCM, ChaCha20, CCM, ARIA), the CBC suites (AES,
 * Camellia), RSA key exchange and the legacy families a scan must recognise when a server still
 * accepts them (3DES, RC4, DES, NULL, EXPORT, anonymous): every non-PSK suite OpenSSL 3 can serve,
 * and the legacy ones it no longer can. A version probe offers them all, so a server that accepts
 * only a rare suite is still seen to speak that version. Signalling values (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV) are not suites
 * and are not listed.
 * @see https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-4
 * @see https://www.rfc-editor.org/rfc/rfc8446#appendix-B.4
 */

/** How the keys are agreed. `TLS13`: the TLS 1.3 suites, which leave it to key_share (always ephemeral). */
export type KeyExchange = 'RSA' | 'DHE' | 'ECDHE' | 'TLS13';
/** How the server proves who it is. `TLS13`: decided by the certificate and signature_algorithms, not the suite. */
export type Authentication = 'RSA' | 'ECDSA' | 'DSS' | 'anon' | 'TLS13';

/** One cipher suite and what it means for a scan. */
export interface CipherSuite {
  /** The two-byte code sent in ClientHello/ServerHello, e.g. 0xc02f. */
  readonly code: number;
  /** The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`. */
  readonly name: string;
  readonly keyExchange: KeyExchange;
  readonly authentication: Authentication;
  /** The bulk cipher, e.g. `AES_128_GCM`, `3DES_EDE_CBC`, `RC4_128`, `NULL`. */
  readonly cipher: string;
  /** The MAC or PRF hash named last: `SHA`, `SHA256`, `SHA384`, `MD5`. */
  readonly hash: string;
  /** An AEAD cipher (GCM, CCM, ChaCha20-Poly1305): no MAC-then-encrypt CBC padding. */
  readonly aead: boolean;
  /** The key exchange is ephemeral: a stolen server key does not decrypt recorded traffic. */
  readonly forwardSecrecy: boolean;
  /** A 40/56-bit export-grade suite (FREAK, Logjam). */
  readonly export: boolean;
}

const NAMES: ReadonlyArray<readonly [number, string]> = [
  // TLS 1.3 (RFC 8446)
  [0x1301, 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  // ECDHE and DHE with AEAD
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256'],
  [0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384'],
  // CCM and ARIA-GCM (RFC 6655, RFC 7251, RFC 6209): AEAD too, rarer; OpenSSL serves them when listed
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM'],
  [0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM'],
  [0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8'],
  [0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8'],
  [0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM'],
  [0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM'],
  [0xc0a2, 'TLS_DHE_RSA_WITH_AES_128_CCM_8'],
  [0xc0a3, 'TLS_DHE_RSA_WITH_AES_256_CCM_8'],
  [0xc05c, 'TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256'],
  [0xc05d, 'TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384'],
  [0xc060, 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256'],
  [0xc061, 'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384'],
  [0xc052, 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256'],
  [0xc053, 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384'],
  [0xc056, 'TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256'],
  [0xc057, 'TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384'],
  // ECDHE and DHE with CBC
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA'],
  [0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA'],
  // Camellia and the remaining DHE-DSS CBC suites (RFC 5932, RFC 5246)
  [0xc072, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0xc073, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [0xc076, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0xc077, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [0x00be, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c4, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  [0x0045, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0088, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x00bd, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c3, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256'],
  [0x0044, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0087, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA'],
  [0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256'],
  [0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256'],
  // RSA key exchange (no forward secrecy)
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  // RSA key exchange with CCM, ARIA and Camellia-SHA256
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM'],
  [0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8'],
  [0xc0a1, 'TLS_RSA_WITH_AES_256_CCM_8'],
  [0xc050, 'TLS_RSA_WITH_ARIA_128_GCM_SHA256'],
  [0xc051, 'TLS_RSA_WITH_ARIA_256_GCM_SHA384'],
  [0x00ba, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c0, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  // 3DES (Sweet32)
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  // RC4 (RFC 7465 forbids it) and single DES
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA'],
  [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA'],
  [0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA'],
  // NULL encryption
  [0x0001, 'TLS_RSA_WITH_NULL_MD5'],
  [0x0002, 'TLS_RSA_WITH_NULL_SHA'],
  [0x003b, 'TLS_RSA_WITH_NULL_SHA256'],
  [0xc006, 'TLS_ECDHE_ECDSA_WITH_NULL_SHA'],
  [0xc010, 'TLS_ECDHE_RSA_WITH_NULL_SHA'],
  // EXPORT grade
  [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'],
  [0x0006, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5'],
  [0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0014, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  // anonymous (no authentication at all)
  [0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5'],
  [0x001b, 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA'],
  [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA'],
  [0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA'],
  [0x00a6, 'TLS_DH_anon_WITH_AES_128_GCM_SHA256'],
  [0xc018, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
  [0xc019, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA'],
  [0x00a7, 'TLS_DH_anon_WITH_AES_256_GCM_SHA384'],
  [0x006c, 'TLS_DH_anon_WITH_AES_128_CBC_SHA256'],
  [0x006d, 'TLS_DH_anon_WITH_AES_256_CBC_SHA256'],
  [0x0046, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0089, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA'],
  [0x00bf, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c5, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256'],
  [0xc015, 'TLS_ECDH_anon_WITH_NULL_SHA'],
];

const KEY_EXCHANGE: Readonly<Record<string, readonly [KeyExchange, Authentication, boolean]>> = {
  RSA: ['RSA', 'RSA', false],
  RSA_EXPORT: ['RSA', 'RSA', true],
  DHE_RSA: ['DHE', 'RSA', false],
  DHE_RSA_EXPORT: ['DHE', 'RSA', true],
  DHE_DSS: ['DHE', 'DSS', false],
  DH_anon: ['DHE', 'anon', false],
  ECDHE_RSA: ['ECDHE', 'RSA', false],
  ECDHE_ECDSA: ['ECDHE', 'ECDSA', false],
  ECDH_anon: ['ECDHE', 'anon', false],
};

/** Reads a suite's properties from its IANA name. Throws on a name outside the table's grammar (a table bug). */
function describe(code: number, name: string): CipherSuite {
  const [prefix, bulk] = name.includes('_WITH_') ? name.split('_WITH_') : [undefined, name.slice('TLS_'.length)];
  const kx = prefix === undefined ? (['TLS13', 'TLS13', false] as const) : KEY_EXCHANGE[prefix.slice('TLS_'.length)];
  if (kx === undefined || bulk === undefined) throw new Error(`cipher-suites: cannot read ${name}`);
  const parts = bulk.split('_');
  // CCM suites name no hash (`AES_128_CCM`, `AES_128_CCM_8`): their PRF is SHA-256 (RFC 6655).
  const hash = /_CCM(?:_8)?$/.test(bulk) ? 'SHA256' : (parts.pop() ?? '');
  const cipher = parts.join('_');
  const [keyExchange, authentication, exportGrade] = kx;
  return {
    code,
    name,
    keyExchange,
    authentication,
    cipher,
    hash,
    aead: /GCM|CCM|POLY1305/.test(cipher),
    forwardSecrecy: keyExchange !== 'RSA',
    export: exportGrade,
  };
}

/** Every known suite, in the order listed above (modern first). */
export const CIPHER_SUITES: readonly CipherSuite[] = NAMES.map(([code, name]) => describe(code, name));

const BY_CODE: ReadonlyMap<number, CipherSuite> = new Map(CIPHER_SUITES.map((suite) => [suite.code, suite]));

/**
 * The suite with this code, or `undefined` when it is not in the table.
 * @example cipherSuite(0xc02f)?.name // 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'
 */
export function cipherSuite(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/**
 * The IANA name of a code, or `0xNNNN` for a code not in the table.
 * @example cipherSuiteName(0x1301) // 'TLS_AES_128_GCM_SHA256'
 */
export function cipherSuiteName(code: number): string {
  return BY_CODE.get(code)?.name ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** The TLS 1.3 suites (offered only in a TLS 1.3 probe). */
export const TLS13_SUITES: readonly number[] = CIPHER_SUITES.filter((suite) => suite.keyExchange === 'TLS13').map((suite) => suite.code);

/** Every suite usable before TLS 1.3 (what a TLS 1.0–1.2 or SSLv3 probe offers by default). */
export const LEGACY_SUITES: readonly number[] = CIPHER_SUITES.filter((suite) => suite.keyExchange !== 'TLS13').map((suite) => suite.code);
