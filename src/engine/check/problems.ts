/**
 * What `rocker system check` reports: one line per problem, naming the
 * thing and the cause, and, when it can be repaired safely, how.
 */
export interface Problem {
  /** The thing, as the user names it: "image busybox:latest", "blob sha256:…", "container 3f2a…". */
  what: string;
  reason: string;
  /** What --repair does about it ("removed the record"), and the doing; absent when only the user can decide. */
  repair?: { action: string; apply: () => void };
}

export const problem = (what: string, reason: string, repair?: Problem['repair']): Problem => ({ what, reason, ...(repair ? { repair } : {}) });
