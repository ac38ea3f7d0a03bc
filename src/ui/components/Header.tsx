// The two header lines: what is watched, and the counts by state.
import { Text } from 'ink';
import type { Counts, SortKey } from '../table-model.js';

export interface HeaderProps {
  title: string;
  counts: Counts;
  sort: SortKey;
  filter: string;
  shown: number;
}

export function Header({ title, counts, sort, filter, shown }: HeaderProps) {
  return (
    <>
      <Text bold wrap="truncate">
        kubectl oda-api dashboard <Text color="gray">· {title}</Text>
      </Text>
      <Text wrap="truncate">
        {counts.total} {counts.total === 1 ? 'API' : 'APIs'} <Text color="green">{counts.ready} ready</Text> <Text color="yellow">{counts.pending} pending</Text>{' '}
        <Text color="red">{counts.error} error</Text>
        {counts.outOfSync > 0 ? <Text color="gray"> · {counts.outOfSync} out of sync</Text> : null}
        <Text color="gray">
          {' '}
          · sort {sort}
          {filter ? ` · filter "${filter}": ${shown} shown` : ''}
        </Text>
      </Text>
    </>
  );
}
