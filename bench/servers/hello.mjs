// The application under test: the same hello-world handler for every configuration.
export const BODY = 'Hello, world!\n';

/** A plain node:http request listener. */
export function hello(_req, res) {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(BODY);
}

/** The production policy every Aegis configuration uses: defaults plus the host it is reached on. */
export const POLICY_OPTIONS = { env: 'production', hosts: ['127.0.0.1'], httpsRedirect: false, quiet: true };
