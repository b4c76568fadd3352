import { UserError } from '../../common/errors.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import type { ContainerStatus } from '../container-store/status.ts';
import { allOf, groupFilters, labelTest, regexTest } from './filters.ts';

interface Row {
  rec: ContainerRecord;
  status: ContainerStatus;
}

const KEYS = ['id', 'name', 'label', 'status', 'ancestor', 'exited', 'volume', 'health', 'restart-policy', 'before', 'since'] as const;
const POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'];
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];
const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** NAME[:TAG] (tag latest by default) or an image id prefix, as `ancestor=` takes them. */
function ancestorTest(value: string): (r: Row) => boolean {
  const colon = value.lastIndexOf(':');
  const [name, tag] = colon > value.lastIndexOf('/') ? [value.slice(0, colon), value.slice(colon + 1)] : [value, 'latest'];
  const hex = value.replace(/^sha256:/, '');
  return ({ rec }) => (rec.image.name === name && rec.image.tag === tag) || (/^[0-9a-f]{4,64}$/.test(hex) && rec.image.digest.slice(7).startsWith(hex));
}

/**
 * `ps --filter`: Docker's keys. `before`/`since` name a container, whose
 * creation time bounds the others'. `rows` is the whole list, to find it.
 */
export function containerFilter(filters: string[], rows: Row[]): (r: Row) => boolean {
  const groups = groupFilters(filters, KEYS);
  const created = (text: string) => {
    const found = rows.find(({ rec }) => rec.name === text || rec.id.startsWith(text));
    if (!found) throw new UserError(`invalid filter: no such container: ${text}`);
    return found.rec.created;
  };
  return allOf<Row>(groups, {
    id: (v) => ({ rec }) => rec.id.startsWith(v),
    name: (v) => {
      const re = regexTest(v, 'name');
      return ({ rec }) => re.test(rec.name) || re.test(`/${rec.name}`);
    },
    label: (v) => {
      const test = labelTest(v);
      return ({ rec }) => test(rec.options.labels);
    },
    status: (v) => {
      if (!STATES.includes(v)) throw new UserError(`invalid filter "status=${v}": use one of ${STATES.join(', ')}`);
      // A paused container is running to the kernel, but Docker files it under paused alone.
      return ({ status }) => (status.paused ? 'paused' : status.state) === v;
    },
    ancestor: ancestorTest,
    exited: (v) => {
      if (!/^\d+$/.test(v)) throw new UserError(`invalid filter "exited=${v}": expected an exit code`);
      return ({ status }) => status.state === 'exited' && status.exitCode === Number(v);
    },
    volume: (v) => ({ rec }) => rec.options.volumes.some((m) => m.volume === v || m.destination === v || m.source === v),
    health: (v) => {
      if (!HEALTH.includes(v)) throw new UserError(`invalid filter "health=${v}": use one of ${HEALTH.join(', ')}`);
      return ({ rec, status }) => (rec.options.health ? (status.health ?? 'starting') : 'none') === v;
    },
    'restart-policy': (v) => {
      if (!POLICIES.includes(v)) throw new UserError(`invalid filter "restart-policy=${v}": use one of ${POLICIES.join(', ')}`);
      return ({ rec }) => (rec.options.restart?.policy ?? 'no') === v;
    },
    before: (v) => {
      const t = created(v);
      return ({ rec }) => rec.created < t;
    },
    since: (v) => {
      const t = created(v);
      return ({ rec }) => rec.created > t;
    },
  });
}
