import type { StorePaths } from '../paths.ts';
import type { ContainerVerbs } from './containers.ts';
import type { PodVerbs } from './pods.ts';
import type { VolumeVerbs } from './volumes.ts';

export class KubeVerbs {
  constructor(private readonly paths: StorePaths, private readonly pods: PodVerbs, private readonly containers: ContainerVerbs, private readonly volumes: VolumeVerbs) {}
}
