// Helpers for the valibot schemas of files and responses read at the edges.
// valibot, because its schemas are plain objects: loading and building them
// costs ~0.1 ms of a start, which every container start pays (the measurement
// is in docs/architecture.md).
import * as v from 'valibot';

/**
 * A schema built on first use: a command that never validates one (a listing
 * served from its cache) need not build it.
 */
export function lazySchema<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/**
 * valibot's object and record schemas take an array for an object (`[]`
 * passes as `{}`); a JSON list where a mapping belongs is a mistake, so these
 * refuse it. The edges use them instead of v.object, v.looseObject,
 * v.strictObject and v.record.
 */
function refuseArrays<S extends v.GenericSchema>(schema: S): S {
  const run = schema['~run'].bind(schema);
  const guarded: S['~run'] = (dataset, config) => {
    if (!Array.isArray(dataset.value)) return run(dataset, config);
    v._addIssue(schema, 'type', dataset, config);
    return dataset as ReturnType<S['~run']>;
  };
  return Object.assign(schema, { '~run': guarded });
}

export const object = <const E extends v.ObjectEntries>(entries: E) => refuseArrays(v.object(entries));
export const looseObject = <const E extends v.ObjectEntries>(entries: E) => refuseArrays(v.looseObject(entries));
export const strictObject = <const E extends v.ObjectEntries>(entries: E) => refuseArrays(v.strictObject(entries));
export const record = <const K extends v.GenericSchema<string>, const T extends v.GenericSchema>(key: K, value: T) => refuseArrays(v.record(key, value));

/** A number a field can mean: JSON's `1e999` parses to Infinity. */
export const finite = (message?: string) => v.pipe(v.number(message), v.finite(message));

/** An integer a JSON file holds exactly: above 2^53 parsing loses bits. */
export const int = (message?: string, intMessage = message) => v.pipe(v.number(message), v.safeInteger(intMessage));

/** The first issue of a failed validation as "path: message"; `whole` names the value itself. */
export function issueText(issues: readonly v.BaseIssue<unknown>[], whole = 'value'): string {
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.');
  return `${path || whole}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Validates `data`; on failure throws an Error whose message names the
 * first bad field ("layers.0: Invalid format: Expected ... but received ...").
 */
export function check<S extends v.GenericSchema>(schema: S, data: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, data);
  if (parsed.success) return parsed.output;
  throw new Error(issueText(parsed.issues));
}
