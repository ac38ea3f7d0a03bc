// The last line: the filter being typed, a notice from the last action, or the key hints.
import { Text } from 'ink';
import type { Mode } from '../keys.js';

const HINTS: Record<Mode, string> = {
  table: '↑↓/jk select · enter details · / filter · s sort · d diff · r reconcile · ? help · q quit',
  filter: 'enter keep filter · esc clear filter',
  details: '↑↓/jk scroll · esc/q close',
  diff: '↑↓/jk scroll · esc/q close',
  help: 'esc/q/? close',
};

export interface FooterProps {
  mode: Mode;
  filter: string;
  notice?: string;
  keysEnabled: boolean;
}

export function Footer({ mode, filter, notice, keysEnabled }: FooterProps) {
  if (!keysEnabled) {
    return (
      <Text color="gray" wrap="truncate">
        stdin is not a terminal: keys are off · Ctrl-C to leave
      </Text>
    );
  }
  if (mode === 'filter') {
    return (
      <Text wrap="truncate">
        /{filter}
        <Text inverse> </Text> <Text color="gray">{HINTS.filter}</Text>
      </Text>
    );
  }
  const hint = mode === 'table' && filter ? HINTS.table.replace('q quit', 'esc clear filter · q quit') : HINTS[mode];
  return (
    <Text color={notice ? 'cyan' : 'gray'} wrap="truncate">
      {notice ?? hint}
    </Text>
  );
}
