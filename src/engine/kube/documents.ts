// The YAML edge of `kube play` and `kube down`: documents parsed with the
// `yaml` package, each checked against its kind's schema. A malformed
// document is a one-line error; an unsupported kind or field a warning.
import * as v from 'valibot';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../common/errors.ts';
import { issueText } from '../../common/schema.ts';
import { KINDS, unknownFields, type Kind, type KubeObject } from './schema.ts';

export interface Documents {
  objects: KubeObject[];
  warnings: string[];
}

/** `source` names the input in messages (the file, or "stdin"). */
export function parseDocuments(text: string, source: string): Documents {
  const objects: KubeObject[] = [];
  const warnings: string[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) throw new UserError(`${source}: not YAML documents`);
  docs.forEach((doc, i) => {
    const where = `${source}: document ${i + 1}`;
    const err = doc.errors[0];
    if (err) throw new UserError(`${where}: ${err.message.split('\n')[0]}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${where}: expected a Kubernetes object (a mapping with apiVersion and kind)`);
    const kind = (value as { kind?: unknown }).kind;
    const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
    if (typeof kind !== 'string') throw new UserError(`${where}: no kind`);
    if (kind === 'List') throw new UserError(`${where}: kind List is not supported: give the objects as separate documents (---)`);
    if (!(kind in KINDS)) {
      warnings.push(`${where}: kind ${kind} is not supported: skipped`);
      return;
    }
    const schema = KINDS[kind as Kind];
    const label = `${kind}${typeof name === 'string' ? ` ${name}` : ''}`;
    const parsed = v.safeParse(schema, value);
    if (!parsed.success) throw new UserError(`${where}: ${label}: ${issueText(parsed.issues)}`);
    for (const f of unknownFields(schema, value)) warnings.push(`${label}: ${f} is not supported: ignored`);
    objects.push(parsed.output as KubeObject);
  });
  if (!objects.length && !warnings.length) throw new UserError(`${source}: no Kubernetes objects`);
  return { objects, warnings };
}
