import { writeOut } from '../../entry.ts';
import { readFileSync } from 'node:fs';
import { UserError } from '../../../common/errors.ts';
import { DOCKER_HUB } from '../../../engine/reference.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('login', 'Log in to a registry (credentials are checked, then kept in <root>/auth.json, mode 0600)')
    .argument('[registry]', 'registry host[:port]', DOCKER_HUB)
    .option('-u, --username <name>', 'user name')
    .option('-p, --password <password>', 'password (visible in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--insecure', 'use plain HTTP for this registry (always used for localhost and 127.0.0.1)');
  const { opts, operands } = parseArgs<{ username?: string; password?: string; passwordStdin?: boolean; insecure?: boolean }>(cmd, args);
  if (!opts.username) throw new UserError('login needs --username');
  if (opts.password !== undefined && opts.passwordStdin) throw new UserError('--password and --password-stdin are mutually exclusive');
  const password = opts.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : opts.password;
  if (!password) throw new UserError('login needs a password: --password-stdin (or --password)');
  const done = await (await ctx.engine.registry()).login(operands[0] ?? DOCKER_HUB, { username: opts.username, password }, opts.insecure);
  writeOut(`Login Succeeded (${done.domain})\n`);
  return 0;
}
