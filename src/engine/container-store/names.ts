import { randomBelow, randomHex } from '../../common/random.ts';

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
  const base = `${adjectives[randomBelow(adjectives.length)]}_${surnames[randomBelow(surnames.length)]}`;
  return attempt > 0 ? `${base}${randomBelow(10)}` : base;
}

export function generateId(): string {
  return randomHex(32);
}

/** Docker's rule for container names. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
