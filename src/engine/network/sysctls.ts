/**
 * Docker's sysctls for a container's own network namespace: any user binds
 * ports below 1024 (a server on :80 after --cap-drop ALL) and may ping. Its
 * own module: the runtime reads it for --network none without loading the
 * network code.
 */
export const NETNS_SYSCTLS: Record<string, string> = { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647' };
