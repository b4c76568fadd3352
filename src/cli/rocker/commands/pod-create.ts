import { writeOut } from '../../entry.ts';
import { parseLabels } from '../../../common/labels.ts';
import type { Context } from '../context.ts';
import { collect, commandParser, parseArgs } from '../parse.ts';

interface Flags {
  name?: string;
  network?: string;
  publish: string[];
  share: string[];
  label: string[];
  addHost: string[];
  dns: string[];
}

export default async function create(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pod create', "Create a pod: containers that share its network, IPC and UTS namespaces (join with 'rocker run --pod NAME')")
    .option('--name <name>', 'name the pod (also its hostname; default: a generated name)')
    .option('--network <network>', 'bridge (the default), a user network, none or host')
    .option('-p, --publish <[ip:]hostPort:containerPort[/proto]>', "publish a port of the pod's network on the host (repeatable)", collect, [])
    .option('--share <namespaces>', 'pid: share the PID namespace too (net, ipc and uts are always shared)', collect, [])
    .option('-l, --label <KEY=VAL>', 'set a label (repeatable)', collect, [])
    .option('--add-host <name:ip>', "add a line to the pod's /etc/hosts (repeatable)", collect, [])
    .option('--dns <ip>', "a name server for the pod's /etc/resolv.conf (repeatable)", collect, []);
  const { opts } = parseArgs<Flags>(cmd, args);
  const pod = (await ctx.engine.pods()).create({ ...opts, labels: parseLabels(opts.label, []) });
  writeOut(`${pod.id}\n`);
  return 0;
}
