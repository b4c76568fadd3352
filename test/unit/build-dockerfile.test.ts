// The Dockerfile parser, variable expansion and stage planning of rocker build.
import { expect, test } from 'bun:test';
import { jsonForm, parseDockerfile, takeFlags } from '../../src/engine/build/dockerfile.ts';
import { expandWord, expandWords, keyValues } from '../../src/engine/build/expand.ts';
import { applyMetadata } from '../../src/engine/build/metadata.ts';
import { planStages } from '../../src/engine/build/stages.ts';

test('continuations, comments inside them, empty lines, keywords in any case, line numbers', () => {
  const df = parseDockerfile('# comment\nfrom busybox\n\nRUN echo a \\\n# inside\n\n    && echo b\nCMD ["x"]\n');
  expect(df.instructions.map((i) => [i.line, i.keyword, i.args])).toEqual([
    [2, 'FROM', 'busybox'],
    [4, 'RUN', 'echo a     && echo b'],
    [8, 'CMD', '["x"]'],
  ]);
});

test('the escape directive: backtick continues lines, backslashes are literal', () => {
  const df = parseDockerfile('# escape=`\nFROM x\nRUN dir c:\\ `\n  /s\n');
  expect(df.escape).toBe('`');
  expect(df.instructions[1]!.args).toBe('dir c:\\   /s');
  expect(() => parseDockerfile('# escape=x\nFROM a\n')).toThrow('Dockerfile line 1: invalid escape directive "x"');
});

test('heredocs: bodies taken verbatim, <<- strips tabs, several per line, unterminated is an error', () => {
  const df = parseDockerfile('FROM x\nRUN <<A <<-B\n  a body\nA\n\tb body\n\tB\nCMD y\n');
  expect(df.instructions[1]!.heredocs).toEqual([{ name: 'A', body: '  a body\n' }, { name: 'B', body: 'b body\n' }]);
  expect(df.instructions[2]!.keyword).toBe('CMD');
  expect(() => parseDockerfile('FROM x\nRUN <<EOF\nno end\n')).toThrow('Dockerfile line 2: heredoc <<EOF is not terminated');
});

test('unknown instructions and unparsable lines name their line', () => {
  expect(() => parseDockerfile('FROM x\nFROB y\n', 'app.Dockerfile')).toThrow('app.Dockerfile line 2: unknown instruction "FROB"');
  expect(() => parseDockerfile('FROM x\n= y\n')).toThrow('Dockerfile line 2: cannot parse "= y"');
});

test('the JSON form keeps spaces inside strings; anything else is the shell form', () => {
  expect(jsonForm('["echo", "json   form"]')).toEqual(['echo', 'json   form']);
  expect(jsonForm('[not json]')).toBeUndefined();
  expect(jsonForm('echo [x]')).toBeUndefined();
  expect(takeFlags('--from=build --chown="a b" src dst')).toEqual({ flags: new Map([['from', 'build'], ['chown', 'a b']]), rest: 'src dst' });
});

test('expansion: modifiers, quotes, escapes, word splitting', () => {
  const vars = new Map([['A', 'x'], ['E', ''], ['SP', 'a b']]);
  expect(expandWord('$A ${A} ${A:-d} ${U:-d} ${E:-d} ${E-d} ${A:+alt} ${U:+alt}.', vars)).toBe('x x x d d  alt .');
  expect(expandWord("'$A' \"$A\" \\$A ${U:-${A}}", vars)).toBe('$A x $A x');
  expect(expandWords('one "two words" $SP "$SP" x$E', vars)).toEqual(['one', 'two words', 'a', 'b', 'a b', 'x']);
  expect(expandWords('$E $A', vars)).toEqual(['x']);
  expect(() => expandWord('${U:?must be set}', vars)).toThrow('U: must be set');
  expect(() => expandWord('"open', vars)).toThrow('unterminated double quote');
});

test('ENV and LABEL pairs: KEY=VALUE with quotes, and the legacy KEY VALUE form', () => {
  const vars = new Map([['V', '1']]);
  expect(keyValues('A=$V B="two words" C=a\\ b', vars, '\\', 'ENV')).toEqual([['A', '1'], ['B', 'two words'], ['C', 'a b']]);
  expect(keyValues('LEGACY value with  spaces', vars, '\\', 'ENV')).toEqual([['LEGACY', 'value with  spaces']]);
  expect(() => keyValues('A=1 B', vars, '\\', 'ENV')).toThrow('ENV: "B" is not KEY=VALUE');
});

test('metadata: ENTRYPOINT resets an inherited CMD, shell forms use SHELL, EXPOSE normalises ports', () => {
  const ins = (text: string) => parseDockerfile(`FROM x\n${text}\n`).instructions[1]!;
  const base = { config: { Cmd: ['old'], Shell: ['/bin/bash', '-c'] }, vars: new Map(), escape: '\\', cmdSetHere: false };
  expect(applyMetadata(ins('ENTRYPOINT run it'), base)!.config).toEqual({ Cmd: null, Entrypoint: ['/bin/bash', '-c', 'run it'], Shell: ['/bin/bash', '-c'] });
  expect(applyMetadata(ins('ENTRYPOINT ["e"]'), { ...base, cmdSetHere: true })!.config.Cmd).toEqual(['old']);
  expect(applyMetadata(ins('EXPOSE 80 53/UDP 8000-8001'), base)!.config.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '8000-8001/tcp': {} });
  expect(applyMetadata(ins('HEALTHCHECK --timeout=1m30s CMD ["check"]'), base)!.config.Healthcheck).toEqual({ Test: ['CMD', 'check'], Timeout: 90e9 });
  expect(applyMetadata(ins('WORKDIR rel'), { ...base, config: { WorkingDir: '/a' } })!.config.WorkingDir).toBe('/a/rel');
  expect(() => applyMetadata(ins('HEALTHCHECK --interval=soon CMD x'), base)).toThrow('invalid duration "soon"');
});

test('stages: global ARGs in FROM, only what the target needs, --from dependencies by name and index', () => {
  const df = parseDockerfile(['ARG BASE=busybox', 'FROM $BASE AS a', 'FROM busybox AS unused', 'FROM a AS b', 'COPY --from=0 /x /x', 'FROM busybox', 'COPY --from=b /y /y'].join('\n'));
  const plan = planStages(df, new Map([['BASE', 'alpine']]), undefined, 'Dockerfile');
  expect(plan.stages[0]!.base).toBe('alpine');
  expect(plan.needed).toEqual([0, 2, 3]);
  expect(planStages(df, new Map(), 'A', 'Dockerfile').needed).toEqual([0]);
  expect(() => planStages(parseDockerfile('RUN x\n'), new Map(), undefined, 'Dockerfile')).toThrow('line 1: RUN before the first FROM');
  expect(() => planStages(parseDockerfile('FROM a AS x\nFROM b AS X\n'), new Map(), undefined, 'Dockerfile')).toThrow('line 2: duplicate stage name "X"');
});
