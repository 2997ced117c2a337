// commander's own usage errors (unknown flag or command, missing value) as the CLI's one line:
// `flashsale: unknown option '--rpss' (did you mean --rps?); see flashsale run --help`.
import type { Command } from 'commander';

/** Gives `command` and every subcommand under it the one-line error output. */
export function applyOneLineErrors(command: Command): void {
  const usage = commandPath(command);
  command.configureOutput({
    outputError: (text, write) => write(`${oneLine(text)}; see ${usage} --help\n`),
  });
  for (const sub of command.commands) applyOneLineErrors(sub);
}

/** commander's text, "error: ..." with a suggestion on its own line, as one line with our prefix. */
export function oneLine(text: string): string {
  const parts = text
    .trim()
    .split('\n')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const [first = '', ...rest] = parts;
  const message = first.replace(/^error: /, '');
  const more = rest.map((part) => part.replace(/^\(Did you mean/, '(did you mean'));
  return `flashsale: ${[message, ...more].join(' ')}`;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}
