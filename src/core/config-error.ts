/**
 * One problem found while resolving a policy: where it is, what is wrong, and how to fix it.
 */
export interface ConfigProblem {
  /** Dotted option path, e.g. `headers.contentSecurityPolicy.directives.scriptSrc[0]`. */
  readonly path: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to write instead. */
  readonly fix: string;
}

/**
 * Thrown once by {@link aegis} (and every other Aegis factory) when options are invalid.
 * It lists every problem found, not just the first, so a configuration can be fixed in one pass.
 *
 * @example
 * try { aegis({ hosts: ['exa mple.com'] }) }
 * catch (err) { if (err instanceof AegisConfigError) console.error(err.problems) }
 */
export class AegisConfigError extends Error {
  override readonly name = 'AegisConfigError';
  readonly problems: readonly ConfigProblem[];

  /** @param subject what was invalid, for the first line (default `Aegis policy`). */
  constructor(problems: readonly ConfigProblem[], subject = 'Aegis policy') {
    super(formatProblems(problems, subject));
    this.problems = problems;
  }
}

function formatProblems(problems: readonly ConfigProblem[], subject: string): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => `  - ${p.path}: ${p.message} Fix: ${p.fix}`);
  return `Invalid ${subject} (${count}):\n${lines.join('\n')}`;
}

/**
 * Collects problems while options are resolved; {@link Problems.throwIfAny} raises them together.
 * @internal
 */
export class Problems {
  readonly list: ConfigProblem[] = [];

  add(path: string, message: string, fix: string): void {
    this.list.push({ path, message, fix });
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(subject?: string): void {
    if (this.list.length > 0) throw new AegisConfigError(this.list, subject);
  }
}

/** Renders a value for an error message without dumping large objects. @internal */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
