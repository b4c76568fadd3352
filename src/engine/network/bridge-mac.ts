import { readFileSync } from 'node:fs';
import { run } from './iptables.ts';

const ZERO = '00:00:00:00:00:00';

/**
 * The bridge plugin fixes a bridge's MAC only once it has addressed the
 * bridge. An ADD cut short before that (the container removed while it
 * starts, rocker killed) leaves a bridge whose MAC follows its ports, and the
 * kernel zeroes it when the last one leaves; every later ADD on it then fails
 * ("could not set bridge's mac: invalid argument"). A MAC set explicitly
 * stays for the bridge's life, so one mend is enough. Costs a sysfs read per
 * bridged start.
 */
export function mendBridgeMac(bridge: string): void {
  let mac: string;
  try {
    mac = readFileSync(`/sys/class/net/${bridge}/address`, 'utf8').trim();
  } catch {
    return; // no bridge yet: the plugin makes it
  }
  if (mac !== ZERO) return;
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  bytes[0] = (bytes[0]! & 0xfe) | 0x02; // unicast, locally administered
  // A failure here shows as the ADD's own error, which names the network.
  run(['ip', 'link', 'set', 'dev', bridge, 'address', [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':')]);
}
