// The engine's data types, for the CLIs (which import the engine only through
// engine.ts, reference.ts and this file). Types only: no code is loaded.
export type { Engine, EngineOptions } from './engine.ts';
export type { ContainerRecord, ContainerSummary, RunOptions } from './container-store/record.ts';
export type { ContainerState, ContainerStatus } from './container-store/status.ts';
export type { DiskUsage, UsageRow } from './image-store/disk-usage.ts';
export type { HistoryRow } from './image-store/history.ts';
export type { ImageConfig, ImageRecord } from './image-store/record.ts';
export type { DamagedRecord } from './image-store/store.ts';
export type { LayerEvent, LayerState } from './registry/progress.ts';
export type { PullResult } from './registry/pull.ts';
export type { SearchResult } from './registry/search.ts';
export type { ExecRequest } from './runtime/exec.ts';
export type { RunFlags } from './runtime/run-options.ts';
export type { StartRequest } from './runtime/start-again.ts';
export type { StatsRow } from './runtime/inspect-live.ts';
export type { BrokenContainer, ContainerRow, ListOptions, RunReport, RunRequest } from './verbs/containers.ts';
export type { PruneReport } from './verbs/images.ts';
export type { Network } from './network/config.ts';
export type { PortSpec } from './network/flags.ts';
export type { PodCreateRequest, PodRow, PodState } from './verbs/pods.ts';
export type { PodRecord } from './pod-store/record.ts';
export type { VolumeInfo } from './volume-store/store.ts';
export type { SystemPruneReport } from './verbs/system.ts';
