// A container as Docker's `ps --format` templates see it: Docker's field
// names and texts (.ID .Names .Image .Command .CreatedAt .RunningFor .Status
// .State .Ports .Labels .Mounts .Networks .Size), plus rocker's .Pid.
import { formatGoTime, formatSize, humanDuration } from '../../common/format.ts';
import type { ContainerRow, ContainerStatus } from '../../engine/types.ts';

/** Docker's "5 minutes ago" (its HumanDuration, not the seed's ages: "Less than a second ago"). */
function ago(then: Date, now = new Date()): string {
  return `${humanDuration(now.getTime() - then.getTime())} ago`;
}

/** Docker's STATUS text: "Up 5 minutes", "Exited (0) 2 minutes ago", "Created". */
export function dockerStatus(s: ContainerStatus, now = new Date()): string {
  if (s.state === 'running') {
    const health = s.health === undefined ? '' : s.health === 'starting' ? ' (health: starting)' : ` (${s.health})`;
    return `${s.startedAt ? `Up ${humanDuration(now.getTime() - s.startedAt.getTime())}` : 'Up'}${s.paused ? ' (Paused)' : health}`;
  }
  if (s.state === 'created') return 'Created';
  if (s.state === 'restarting') return `Restarting (${s.exitCode}) ${s.finishedAt ? ago(s.finishedAt, now) : ''}`.trimEnd();
  const code = s.exitCode ?? 'unknown';
  return s.finishedAt ? `Exited (${code}) ${ago(s.finishedAt, now)}` : `Exited (${code})`;
}

export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Status: 'STATUS', State: 'STATE', Ports: 'PORTS', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS', Size: 'SIZE', Pid: 'PID',
};

export function containerView(row: ContainerRow, trunc: boolean): Record<string, unknown> {
  const { rec, status, record } = row;
  const command = rec.command.join(' ');
  const labels = record?.options.labels ?? {};
  return {
    ID: trunc ? rec.id.slice(0, 12) : rec.id,
    Names: rec.name,
    Image: `${rec.image.name}:${rec.image.tag}`,
    Command: JSON.stringify(trunc && command.length > 20 ? `${command.slice(0, 19)}…` : command),
    CreatedAt: formatGoTime(new Date(rec.created)),
    RunningFor: ago(new Date(rec.created)),
    Status: dockerStatus(status),
    State: status.paused ? 'paused' : status.state,
    Ports: row.ports.join(', '),
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort().join(','),
    /** Docker's method: {{.Label "KEY"}}, empty when the label is not set. Not in {{json .}}. */
    Label: (key: unknown) => labels[String(key)] ?? '',
    Mounts: (record?.options.volumes ?? []).map((v) => v.volume ?? v.source).join(','),
    Networks: record?.options.network ?? '',
    Size: row.size === undefined ? '0B' : formatSize(row.size),
    Pid: status.pid ?? 0,
  };
}
