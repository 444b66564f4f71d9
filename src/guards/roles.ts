import { show, type Problems } from '../core/config-error.js';
import type { EventBus } from '../core/events.js';
import { checkObject } from '../core/read-option.js';
import { AegisRejection, type AegisReply } from '../core/reply.js';
import type { AegisContext, RequestState } from '../core/request.js';

/**
 * Where roles come from, and what each role may do.
 * @example
 * roles: {
 *   of: async (context) => (await context.session?.get('roles')) as string[] | undefined,
 *   permissions: { admin: ['users.read', 'users.write'], support: ['users.read'] },
 * }
 */
export interface RolesOptions {
  /**
   * The roles of the request's principal, or `undefined` when nobody is signed in (→ 401). Called
   * only on routes that require a role or a permission.
   */
  of: (context: AegisContext) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /** Permissions granted by each role. Default: none (require roles, not permissions). */
  permissions?: Readonly<Record<string, readonly string[]>>;
}

/** What a route requires: any of `roles`, or `permission` (granted by any of the principal's roles). */
export type AccessRequirement = { readonly roles: readonly string[] } | { readonly permission: string };

/** Roles after validation. @internal */
export interface CompiledRoles {
  readonly of: RolesOptions['of'];
  /** Role → its permissions. */
  readonly permissions: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Validates the policy's `roles` option into `problems`. @internal */
export function compileRoles(raw: unknown, problems: Problems, path: string): CompiledRoles | undefined {
  if (!checkObject(raw, ['of', 'permissions'], problems, path, "{ of: (context) => rolesOf(context), permissions: { admin: ['users.write'] } }")) return undefined;
  const options = raw as { of?: unknown; permissions?: unknown };
  if (typeof options.of !== 'function') problems.add(`${path}.of`, `expected a function, got ${show(options.of)}.`, "write of: async (context) => (await context.session?.get('roles')) as string[] | undefined.");
  const permissions = new Map<string, ReadonlySet<string>>();
  if (options.permissions !== undefined) {
    if (typeof options.permissions !== 'object' || options.permissions === null || Array.isArray(options.permissions)) {
      problems.add(`${path}.permissions`, `expected an object, got ${show(options.permissions)}.`, "write permissions: { admin: ['users.write'] }.");
    } else {
      for (const [role, list] of Object.entries(options.permissions)) {
        if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) {
          problems.add(`${path}.permissions.${role}`, `expected a list of permission names, got ${show(list)}.`, "write ['users.read', 'users.write'].");
        } else permissions.set(role, new Set(list as string[]));
      }
    }
  }
  return typeof options.of === 'function' ? { of: options.of as RolesOptions['of'], permissions } : undefined;
}

/**
 * Decides one request against a requirement: 401 when nobody is signed in (`of` gave `undefined`),
 * 403 when the principal lacks the role or permission, each with an `rbac.denied` event naming what
 * was required (never the principal's data). Without a `roles` option in the policy, every request
 * is refused with 403 (fail-safe) and the event says why.
 * @internal
 */
export async function authorize(roles: CompiledRoles | undefined, requirement: AccessRequirement, state: RequestState, events: EventBus): Promise<AegisReply | undefined> {
  const required = 'roles' in requirement ? { roles: requirement.roles } : { permission: requirement.permission };
  if (!roles) {
    events.emit(state.event('rbac.denied', 'error', 'roles.not_configured', { status: 403, detail: required }));
    return new AegisRejection(403, 'Forbidden', 'rbac.not_configured').toReply();
  }
  const held = await roles.of(state);
  if (held === undefined) {
    events.emit(state.event('rbac.denied', 'warn', 'unauthenticated', { status: 401, detail: required }));
    return new AegisRejection(401, 'Unauthorized', 'rbac.unauthenticated').toReply();
  }
  const allowed = 'roles' in requirement ? held.some((role) => requirement.roles.includes(role)) : held.some((role) => roles.permissions.get(role)?.has(requirement.permission) === true);
  if (allowed) return undefined;
  events.emit(state.event('rbac.denied', 'warn', 'forbidden', { status: 403, detail: required }));
  return new AegisRejection(403, 'Forbidden', 'rbac.forbidden').toReply();
}
