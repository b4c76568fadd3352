// The I/O counters `rocker stats` reads: v1 blkio and v2 io.stat (this host's
// blkio keeps no counts, so the end-to-end test sees only zeros there), and
// the network namespace's /proc/PID/net/dev.
import { expect, test } from 'bun:test';
import { parseBlkioV1, parseIoStatV2 } from '../../src/engine/container-store/cgroup.ts';
import { parseNetDev } from '../../src/engine/container-store/proc.ts';

test('blkio v1: Read and Write summed over devices; other lines ignored', () => {
  const text = ['8:0 Read 4096', '8:0 Write 8192', '8:0 Sync 12288', '8:0 Async 0', '8:0 Total 12288', '253:1 Read 100', '253:1 Write 1', 'Total 12389'].join('\n');
  expect(parseBlkioV1(text)).toEqual({ read: 4196, write: 8193 });
  expect(parseBlkioV1('Total 0\n')).toEqual({ read: 0, write: 0 });
});

test('io.stat v2: rbytes and wbytes summed over devices', () => {
  expect(parseIoStatV2('8:0 rbytes=1000 wbytes=2000 rios=3 wios=4 dbytes=5 dios=6\n253:0 rbytes=1 wbytes=2 rios=0 wios=0 dbytes=0 dios=0\n')).toEqual({ read: 1001, write: 2002 });
});

test('net/dev: received and sent bytes of every interface but lo', () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999       9    0    0    0     0          0         0   999999       9    0    0    0     0       0          0
  eth0:    1006      11    0    0    0     0          0         0      472       6    0    0    0     0       0          0
  eth1:10       1    0    0    0     0          0         0      5       1    0    0    0     0       0          0
`;
  expect(parseNetDev(text)).toEqual({ rx: 1016, tx: 477 });
});
