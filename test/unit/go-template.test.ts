import { expect, test } from 'bun:test';
import { compileTemplate, goMap, TemplateError } from '../../src/common/go-template.ts';

const render = (src: string, data: unknown) => compileTemplate(src).render(data);
const error = (src: string, data: unknown = {}) => {
  try {
    render(src, data);
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
  throw new Error('no error');
};

const c = { Names: 'web', State: { Status: 'running', Pid: 42, Running: true }, Labels: goMap({ b: '2', a: '1' }), Cmd: ['sh', '-c', 'x'], Empty: [] };

test('fields, nested fields, text around them, trimming', () => {
  expect(render('{{.Names}}', c)).toBe('web');
  expect(render('name={{ .Names }} pid={{.State.Pid}}', c)).toBe('name=web pid=42');
  expect(render('{{.State.Running}} {{.Cmd}}', c)).toBe('true [sh -c x]');
  expect(render('a  {{- .Names -}}  b', c)).toBe('awebb');
  expect(render('{{.Labels}}', c)).toBe('map[a:1 b:2]');
  expect(render('{{.Labels.a}}/{{.Labels.zz}}', c)).toBe('1/<no value>');
  expect(render('{{/* comment */}}x', c)).toBe('x');
});

test('json, functions, pipelines, literals, parentheses', () => {
  expect(render('{{json .State}}', c)).toBe('{"Status":"running","Pid":42,"Running":true}');
  expect(render('{{json .Cmd}}', c)).toBe('["sh","-c","x"]');
  expect(render('{{.Names | upper}}', c)).toBe('WEB');
  expect(render('{{upper .Names | lower}}', c)).toBe('web');
  expect(render('{{join .Cmd ","}}', c)).toBe('sh,-c,x');
  expect(render('{{index .Cmd 1}} {{index .Labels "b"}}', c)).toBe('-c 2');
  expect(render('{{len .Cmd}}', c)).toBe('3');
  expect(render('{{printf "%s:%d" .Names .State.Pid}}', c)).toBe('web:42');
  expect(render('{{json (index .Cmd 0)}}', c)).toBe('"sh"');
  expect(render('{{"a\\tb"}}{{`raw`}}', c)).toBe('a\tbraw');
});

test('if/else if/else, with, range over lists and maps with variables, $', () => {
  expect(render('{{if .State.Running}}up{{else}}down{{end}}', c)).toBe('up');
  expect(render('{{if .Empty}}some{{else if eq .Names "web"}}web{{else}}other{{end}}', c)).toBe('web');
  expect(render('{{if not .Empty}}none{{end}}', c)).toBe('none');
  expect(render('{{with .State}}{{.Status}}{{end}}', c)).toBe('running');
  expect(render('{{range .Cmd}}[{{.}}]{{end}}', c)).toBe('[sh][-c][x]');
  expect(render('{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}', c)).toBe('a=1;b=2;');
  expect(render('{{range .Empty}}x{{else}}empty{{end}}', c)).toBe('empty');
  expect(render('{{range .Cmd}}{{$.Names}}{{end}}', c)).toBe('webwebweb');
  expect(render('{{$n := .Names}}{{$n}}', c)).toBe('web');
});

test('a field that is a function is called as a method with the arguments', () => {
  const data = { Label: (k: unknown) => ({ a: '1' } as Record<string, string>)[String(k)] ?? '' };
  expect(render('{{.Label "a"}}|{{.Label "b"}}', data)).toBe('1|');
  expect(render('{{.Label "a" | upper}}', { Label: () => 'x' })).toBe('X');
});

test('errors: unknown fields and functions, bad syntax, one line each', () => {
  expect(error('{{.Nope}}', c)).toBe("can't evaluate field Nope in type object");
  expect(error('{{.State.Nope}}', c)).toBe("can't evaluate field Nope in type object");
  expect(error('{{.Names.Sub}}', c)).toBe("can't evaluate field Sub in type string");
  expect(error('{{nope .}}')).toBe('function "nope" not defined');
  expect(error('{{.Names')).toBe('unclosed action');
  expect(error('{{if .Names}}x')).toBe('unexpected EOF: {{if}} has no {{end}}');
  expect(error('{{end}}')).toBe('unexpected {{end}}');
  expect(error('{{}}')).toBe('missing value in {{}}');
  expect(error('{{$x}}')).toBe('undefined variable "$x"');
  expect(error('{{ # }}')).toBe('unexpected "#" in action {{#}}');
});
