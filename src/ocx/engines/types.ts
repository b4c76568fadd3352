// The one engine interface the commands see. Docker and Podman implement it
// through their CLIs; a rocker engine can be added as another file here.

export interface ImageInfo {
  id: string;
  /** "localhost/ocx:1.2.3" style references, one per tag. */
  tags: string[];
  created: Date;
  size: number;
  labels: Record<string, string>;
}

export interface ContainerInfo {
  id: string;
  name: string;
  /** The image id the container was created from. */
  imageId: string;
  image: string;
  state: string;
  running: boolean;
  status: string;
  ports: string;
  labels: Record<string, string>;
}

export interface Mount {
  kind: 'bind' | 'volume';
  source: string;
  target: string;
  readOnly: boolean;
}

export interface Tmpfs {
  target: string;
  options: string;
}

/** Everything a hardened OpenCode container needs, engine-neutral. */
export interface RunSpec {
  image: string;
  name: string;
  command: string[];
  workdir: string;
  env: Record<string, string>;
  envFiles: string[];
  mounts: Mount[];
  tmpfs: Tmpfs[];
  labels: Record<string, string>;
  network: string;
  publish?: { hostPort: number; containerPort: number };
  addHostGateway: boolean;
  readOnly: boolean;
  memory: string;
  cpus: number;
  pidsLimit: number;
  /** Keep stdin open (always) and allocate a terminal (only when stdin is one). */
  tty: boolean;
}

export interface BuildSpec {
  contextDir: string;
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  noCache: boolean;
}

export interface ContainerEngine {
  readonly name: 'docker' | 'podman' | 'rocker';
  /** Throws a one-line UserError when the engine cannot be used. */
  check(): Promise<void>;
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /** Several references in one engine call; undefined where one does not exist. */
  inspectImages(refs: string[]): Promise<Array<ImageInfo | undefined>>;
  /** Images whose repository starts with `prefix` (e.g. "localhost/ocx"). */
  listImages(prefix: string): Promise<ImageInfo[]>;
  /** Untagged images that no other image builds on and that carry `label`: superseded builds. */
  listUntagged(label: string): Promise<ImageInfo[]>;
  /** Bytes the image store takes on disk (shared layers once), or undefined if the engine cannot say. */
  imageDiskUsage(): Promise<number | undefined>;
  build(spec: BuildSpec): Promise<void>;
  /** Adds the tag `target` to the image `source`. */
  tag(source: string, target: string): Promise<void>;
  /** Removes one tag or an untagged image by id (the image goes when its last tag goes); never forced. */
  removeImage(ref: string): Promise<void>;
  listContainers(all: boolean): Promise<ContainerInfo[]>;
  /** The engine command line `run` would execute, for --dry-run style output and benchmarks. */
  runArgv(spec: RunSpec): string[];
  /** Runs to completion with inherited stdio; resolves to the container's exit code. */
  run(spec: RunSpec): Promise<number>;
  /** `workdir`: where the command starts (default: the container's working directory). */
  exec(container: string, command: string[], tty: boolean, workdir?: string): Promise<number>;
  stop(container: string): Promise<void>;
  stats(containers: string[]): Promise<number>;
  volumeExists(name: string): Promise<boolean>;
  networkExists(name: string): Promise<boolean>;
}
