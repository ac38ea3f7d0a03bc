// The operator's last log lines, under the table (never over it).
import { Text } from 'ink';

export function LogPane({ lines }: { lines: readonly string[] }) {
  return (
    <>
      <Text color="gray" wrap="truncate">
        ── log ──
      </Text>
      {lines.map((line, i) => (
        <Text key={i} color="gray" wrap="truncate">
          {line}
        </Text>
      ))}
    </>
  );
}
