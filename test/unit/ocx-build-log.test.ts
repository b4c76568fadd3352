import { expect, test } from 'bun:test';
import { failure } from '../../src/ocx/engines/build-log.ts';

test('the failing step and exit code, as Docker, Podman, BuildKit and rocker print them', () => {
  expect(failure(['Step 1/4 : FROM x', 'Step 3/4 : RUN make', ' ---> Running in 1234', "The command '/bin/sh -c make' returned a non-zero code: 2"]))
    .toEqual({ step: '3 "RUN make"', exit: '2' });
  expect(failure(['STEP 2/3: RUN apk add curl', 'Error: building at STEP "RUN apk add curl": while running runtime: exit status 127']))
    .toEqual({ step: '2 "RUN apk add curl"', exit: '127' });
  expect(failure(['#5 [2/3] RUN false', '#5 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1']))
    .toEqual({ step: '2 "RUN false"', exit: '1' });
  expect(failure(['Step 8/12 : RUN set -eu; exit 3', 'rocker: step 8/12: RUN set -eu; exit 3: exit code 3']))
    .toEqual({ step: '8 "RUN set -eu; exit 3"', exit: '3' });
  expect(failure(['unable to prepare context'])).toEqual({ step: undefined, exit: undefined });
});
