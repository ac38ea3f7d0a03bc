// A scrolling pane (details, diff, help): a title line and a window of its lines.
import { Text } from 'ink';
import type { PaneLine } from '../panes.js';

export interface PaneProps {
  title: string;
  lines: readonly PaneLine[];
  scroll: number;
  /** Lines available, the title included. */
  height: number;
}

export function Pane({ title, lines, scroll, height }: PaneProps) {
  const visible = Math.max(0, height - 1);
  const start = Math.max(0, Math.min(scroll, lines.length - visible));
  const more = lines.length > visible ? ` (${start + 1}-${Math.min(lines.length, start + visible)} of ${lines.length})` : '';
  return (
    <>
      <Text bold color="cyan" wrap="truncate">
        {title}
        {more}
      </Text>
      {lines.slice(start, start + visible).map((line, i) => (
        <Text key={start + i} color={line.colour} bold={line.bold} wrap="truncate">
          {line.text || ' '}
        </Text>
      ))}
    </>
  );
}
