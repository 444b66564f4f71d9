/** Errors of the scan's network work, as one readable line. */

/** OpenSSL's own line: `<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:` and maybe `SSL alert number N`. */
const OPENSSL_LINE = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[^\n]*?(?:SSL alert number (\d+))?\n?$/;

/**
 * An error in one line for a scan's error lines: `CODE: message`. OpenSSL errors keep their code and
 * reason only (`ERR_SSL_WRONG_VERSION_NUMBER: wrong version number`, `EPROTO: sslv3 alert handshake
 * failure (alert 40)`), not OpenSSL's thread id, source path and line.
 * @example errorMessage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })) // 'connect ECONNREFUSED 127.0.0.1:1'
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const { code, reason, library } = error as NodeJS.ErrnoException & { reason?: unknown; library?: unknown };
    if (typeof library === 'string' && typeof reason === 'string' && code !== undefined) return `${code}: ${reason}`;
    const openssl = OPENSSL_LINE.exec(error.message);
    if (openssl !== null) return `${code ?? 'TLS error'}: ${openssl[1] ?? ''}${openssl[2] === undefined ? '' : ` (alert ${openssl[2]})`}`;
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
