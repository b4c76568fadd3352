// What other parts of the engine (image store, inspect) use of the container store.
export { findContainer, listContainers, resolveContainer } from './store.ts';
export type { ContainerRecord, ContainerSummary } from './record.ts';
export { containerStatus, describeStatus, type ContainerStatus } from './status.ts';
export { containerUsages } from './usage.ts';
