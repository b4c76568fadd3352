// Every configuration key: its default, its environment variable and its
// rule. The original's keys, env vars and defaults, plus ocx's own additions
// (engine, opencode_download_url, opencode_source).
import * as v from 'valibot';
import { finite, int } from '../../common/schema.ts';

/** A number written as a number or as a numeric string ("2", "0.5"); "abc" stays invalid. */
const numeric = (inner: v.GenericSchema<number>) =>
  v.pipe(v.unknown(), v.transform((x) => (typeof x === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(x) ? Number(x) : x)), inner);

const bool = v.pipe(v.unknown(), v.transform((x) => {
  if (typeof x !== 'string') return x;
  const t = x.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off'].includes(t)) return false;
  return x;
}), v.boolean('expected true or false'));

const size = v.pipe(v.string('expected a size such as "1024m" or "2g"'),
  v.regex(/^\d+[kmg]$/, 'expected <number><k|m|g>, such as "1024m" or "2g"'));

const version = v.pipe(v.string('expected "latest" or a version such as "1.2.3"'),
  v.regex(/^(latest|v?\d+\.\d+\.\d+)$/, 'expected "latest" or a version such as "1.2.3" or "v1.2.3"'));

const id = numeric(v.pipe(int('expected a whole number'), v.minValue(0, 'must be 0 or more')));

const list = v.array(v.string('expected a list of strings'), 'expected a list of strings');

const text = v.pipe(v.string('expected a string'), v.minLength(1, 'must not be empty'));

export interface KeyDef {
  env: string;
  schema: v.GenericSchema;
  default: unknown;
  doc: string;
}

export const KEYS = {
  opencode_version: { env: 'OCX_OPENCODE_VERSION', schema: version, default: 'latest', doc: 'OpenCode version: "latest" or X.Y.Z' },
  container_name: { env: 'OCX_CONTAINER_NAME', schema: text, default: null, doc: 'container name prefix (default ocx-<directory>); the port is appended' },
  memory: { env: 'OCX_MEMORY', schema: size, default: '1024m', doc: 'memory limit' },
  cpus: { env: 'OCX_CPUS', schema: numeric(v.pipe(finite('expected a number'), v.gtValue(0, 'must be greater than 0'))), default: 1.0, doc: 'CPU limit' },
  pids_limit: { env: 'OCX_PIDS_LIMIT', schema: numeric(v.pipe(int('expected a whole number'), v.gtValue(0, 'must be greater than 0'))), default: 100, doc: 'process limit' },
  tmp_size: { env: 'OCX_TMP_SIZE', schema: size, default: '500m', doc: 'size of the /tmp tmpfs' },
  workspace_tmp_size: { env: 'OCX_WORKSPACE_TMP_SIZE', schema: size, default: '500m', doc: 'size of the /workspace/tmp tmpfs (TMPDIR)' },
  network: { env: 'OCX_NETWORK', schema: text, default: 'bridge', doc: 'container network: bridge, host, none or a network name' },
  port: { env: 'OCX_PORT', schema: numeric(v.pipe(int('expected a port number', 'expected a whole number'), v.minValue(1, 'must be 1-65535'), v.maxValue(65535, 'must be 1-65535'))), default: null, doc: 'host port published to the container\'s port 80 (default: derived from the directory)' },
  publish_port: { env: 'OCX_PUBLISH_PORT', schema: bool, default: true, doc: 'publish the port' },
  add_host_docker_internal: { env: 'OCX_ADD_HOST_DOCKER_INTERNAL', schema: bool, default: true, doc: 'add host.docker.internal pointing at the host' },
  username: { env: 'OCX_USERNAME', schema: v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_.-]*$/i, 'expected a user name such as "alice"')), default: null, doc: 'user name in the container (default $USER or "user")' },
  uid: { env: 'OCX_UID', schema: id, default: null, doc: 'user id in the container (default: yours)' },
  gid: { env: 'OCX_GID', schema: id, default: null, doc: 'group id in the container (default: yours)' },
  opencode_config_dir: { env: 'OCX_OPENCODE_CONFIG_DIR', schema: text, default: '~/.config/opencode', doc: 'host directory mounted at ~/.config/opencode' },
  rgignore_file: { env: 'OCX_RGIGNORE_FILE', schema: text, default: null, doc: 'file mounted read-only at ~/.rgignore (default <opencode_config_dir>/.rgignore if present)' },
  custom_base_dockerfile: { env: 'OCX_CUSTOM_BASE_DOCKERFILE', schema: text, default: null, doc: 'your base Dockerfile, relative to the project, else to ~/.config/ocx' },
  env_file: { env: 'OCX_ENV_FILE', schema: text, default: 'ocx.env', doc: 'project env file passed with --env-file (after ~/.config/ocx/ocx.env)' },
  data_volumes_mode: { env: 'OCX_DATA_VOLUMES_MODE', schema: v.picklist(['always', 'git', 'never'], 'expected "always", "git" or "never"'), default: 'git', doc: 'when to mount the ~/.cache and ~/.local data volumes' },
  data_volumes_name: { env: 'OCX_DATA_VOLUMES_NAME', schema: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and "-", not starting with "-"')), default: null, doc: 'base name of the data volumes (default: from the git remote or directory)' },
  read_only: { env: 'OCX_READ_ONLY', schema: bool, default: false, doc: 'read-only root filesystem' },
  forbidden_paths: { env: 'OCX_FORBIDDEN_PATHS', schema: list, default: [], doc: 'workspace paths hidden from the container (env: colon-separated)' },
  timezone: { env: 'TZ', schema: text, default: 'UTC', doc: 'TZ inside the container' },
  engine: { env: 'OCX_ENGINE', schema: v.picklist(['auto', 'docker', 'podman', 'rocker'], 'expected "auto", "docker", "podman" or "rocker"'), default: 'auto', doc: 'container engine' },
  opencode_source: { env: 'OCX_OPENCODE_SOURCE', schema: v.picklist(['github', 'npm'], 'expected "github" or "npm"'), default: 'github', doc: 'where OpenCode binaries and "latest" come from first (the other is the fallback)' },
  opencode_download_url: { env: 'OCX_OPENCODE_DOWNLOAD_URL', schema: text, default: null, doc: 'mirror URL template with {version} and {arch} (x64|arm64); file:// allowed; tried first' },
} satisfies Record<string, KeyDef>;

export type Key = keyof typeof KEYS;
export const KEY_NAMES = Object.keys(KEYS) as Key[];

/** The merged configuration, plain data. */
export interface Config {
  opencode_version: string;
  container_name: string | null;
  memory: string;
  cpus: number;
  pids_limit: number;
  tmp_size: string;
  workspace_tmp_size: string;
  network: string;
  port: number | null;
  publish_port: boolean;
  add_host_docker_internal: boolean;
  username: string | null;
  uid: number | null;
  gid: number | null;
  opencode_config_dir: string;
  rgignore_file: string | null;
  custom_base_dockerfile: string | null;
  env_file: string;
  data_volumes_mode: 'always' | 'git' | 'never';
  data_volumes_name: string | null;
  read_only: boolean;
  forbidden_paths: string[];
  timezone: string;
  engine: 'auto' | 'docker' | 'podman' | 'rocker';
  opencode_source: 'github' | 'npm';
  opencode_download_url: string | null;
}
