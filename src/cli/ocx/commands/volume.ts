import { gitFacts } from '../../../ocx/git.ts';
import { volumeBaseName } from '../../../ocx/naming.ts';
import { loadProject, projectEngine } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function volume(args: string[]): Promise<number> {
  parseArgs(commandParser('volume', 'Show the data volumes (~/.cache, ~/.local) of this project'), args);
  const p = loadProject();
  const base = volumeBaseName(p.cfg.data_volumes_mode, p.cfg.data_volumes_name, gitFacts(p.cwd), p.cwd);
  if (!base) {
    console.log(`No data volumes for ${p.cwd} (data_volumes_mode "${p.cfg.data_volumes_mode}"${p.cfg.data_volumes_mode === 'git' ? ', not a git repository' : ''})`);
    return 0;
  }
  const engine = await projectEngine(p);
  console.log(`Data volumes for ${p.cwd} (mode ${p.cfg.data_volumes_mode}):`);
  for (const [suffix, dir] of [['cache', '.cache'], ['local', '.local']] as const) {
    const name = `${base}-${suffix}`;
    const exists = await engine.volumeExists(name);
    console.log(`  ${name}  -> /home/${p.user.username}/${dir}${exists ? '' : '  (not created yet)'}`);
  }
  return 0;
}
