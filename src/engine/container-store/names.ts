import { randomBytes, randomInt } from 'node:crypto';

// Docker-style readable names ("brave_turing"): easier to type than an id.
const adjectives = [
  'admiring', 'agitated', 'amazing', 'bold', 'brave', 'busy', 'calm', 'clever', 'cool', 'crazy',
  'dreamy', 'eager', 'ecstatic', 'elegant', 'epic', 'fervent', 'focused', 'friendly', 'gallant', 'gifted',
  'happy', 'hopeful', 'jolly', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'modest', 'nifty',
  'nostalgic', 'objective', 'peaceful', 'pensive', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet',
  'tender', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'wizardly', 'wonderful', 'youthful', 'zealous', 'zen',
];
const surnames = [
  'albattani', 'babbage', 'bell', 'bohr', 'curie', 'darwin', 'dijkstra', 'einstein', 'euler', 'faraday',
  'fermat', 'feynman', 'galileo', 'gauss', 'goodall', 'hamilton', 'hawking', 'hopper', 'hypatia', 'johnson',
  'kepler', 'knuth', 'lamarr', 'lovelace', 'mccarthy', 'meitner', 'mendel', 'newton', 'noether', 'pascal',
  'pasteur', 'planck', 'poincare', 'ritchie', 'shannon', 'sinoussi', 'tesla', 'thompson', 'torvalds', 'turing',
  'volta', 'wiles', 'wozniak', 'wright', 'yalow', 'yonath', 'zhukovsky', 'archimedes', 'brahmagupta', 'cerf',
];

/** A random readable name; `attempt` > 0 adds a digit, as Docker does after collisions. */
export function generateName(attempt = 0): string {
  const base = `${adjectives[randomInt(adjectives.length)]}_${surnames[randomInt(surnames.length)]}`;
  return attempt > 0 ? `${base}${randomInt(10)}` : base;
}

export function generateId(): string {
  return randomBytes(32).toString('hex');
}

/** Docker's rule for container names. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
