/**
 * What a token lets its bearer do. `read`: lookups, watches, the dashboard's data. `write`: register, renew
 * and deregister instances. `admin`: change instances others registered (operator overrides, drain).
 * Each scope includes the ones before it.
 */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether a token of scope `held` may do what needs `needed`. */
export function includes(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}
