import { frameLayout } from './layout.js';

const height = (rows: number, logLines: number) => {
  const f = frameLayout(rows, logLines);
  return 2 + f.body + (f.log > 0 ? f.log + 1 : 0) + 1;
};

test('the frame is always one line shorter than the terminal', () => {
  for (const rows of [10, 20, 30, 60]) for (const logs of [0, 2, 50]) expect(height(rows, logs)).toBe(rows - 1);
});

test('the log pane shows at most four lines, and none on a short terminal', () => {
  expect(frameLayout(30, 50).log).toBe(4);
  expect(frameLayout(30, 2).log).toBe(2);
  expect(frameLayout(30, 0).log).toBe(0);
  expect(frameLayout(12, 50).log).toBe(0);
});
