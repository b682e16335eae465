import { EnvDoc, envDocs } from './env-doc';
import { EnvShape, EnvSpec } from './read-env';

const WIDTH = 100;

/** What the file shows of an app's configuration. */
export type EnvSection = Pick<EnvSpec<EnvShape, unknown>, 'app' | 'about' | 'variables'>;

/**
 * `.env.example`: every app's variables, grouped by app, each with its description and its
 * default, from the schemas themselves. Variables with a default are commented out (unset means
 * the default); required ones are left empty, to fill in.
 */
export function renderEnvExample(specs: readonly EnvSection[], preamble: readonly string[]): string {
  const sections = specs.map((spec) => [heading(spec), ...Object.entries(spec.variables).map(([name, schema]) => variable(name, docOf(name, schema)))].join('\n\n'));
  return `${[preamble.map((line) => `# ${line}`.trimEnd()).join('\n'), ...sections].join('\n\n')}\n`;
}

function heading(spec: EnvSection): string {
  const rule = `# ${'='.repeat(WIDTH - 2)}`;
  return [rule, ...wrap(`${spec.app}: ${spec.about}`), rule].join('\n');
}

function variable(name: string, doc: EnvDoc): string {
  const facts = [
    doc.required === true ? 'Required.' : doc.required ? `Required ${doc.required}.` : undefined,
    doc.default !== undefined ? `Default: ${doc.default}.` : undefined,
    doc.unset !== undefined ? `Unset: ${doc.unset}.` : undefined,
    doc.example !== undefined ? `Example: ${doc.example}` : undefined,
  ].filter(Boolean);
  const comment = wrap([`${name}: ${doc.description}`, ...facts].join(' '));
  const assignment = doc.required === true ? `${name}=` : `# ${name}=${doc.default ?? ''}`;
  return [...comment, assignment].join('\n');
}

function docOf(name: string, schema: unknown): EnvDoc {
  const doc = envDocs.get(schema as Parameters<typeof envDocs.get>[0]);
  if (!doc) throw new Error(`${name} has no documentation: build its schema with the builders of @cp/config`);
  return doc;
}

/** Comment lines of at most WIDTH characters, broken at spaces (a longer word keeps its line). */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length > 1 && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}
