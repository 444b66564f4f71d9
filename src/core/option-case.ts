/**
 * Option keys are written in camelCase (`scriptSrc`, `displayCapture`); the header tokens they
 * stand for are kebab-case (`script-src`, `display-capture`). One place converts both ways.
 */

/** `camelCase` → `kebab-case`: `scriptSrc` → `script-src` (a kebab-case name is left as it is). */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `kebab-case` → `camelCase`: `script-src` → `scriptSrc`, for naming the option that sets a token. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
