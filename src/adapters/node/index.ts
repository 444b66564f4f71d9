/**
 * `aegis/node`: Aegis for plain node:http servers.
 * @packageDocumentation
 */
export { withAegis } from './with-aegis.js';
export { createServer, applyServerLimits, serverOptions } from './server.js';
export { getAegisContext } from './handle.js';
export type { AegisContext } from '../../core/request.js';
