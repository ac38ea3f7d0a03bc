import { handleKey, initialState, splitPresses, type KeyPress, type UiState } from './keys.js';

const ctx = { keys: ['ns/a', 'ns/b', 'ns/c'], page: 2, lines: 10 };

/** Presses keys in order; a key is a character or a named key like {downArrow: true}. */
function press(keys: (string | KeyPress)[], state: UiState = initialState) {
  const effects = [];
  for (const k of keys) {
    const result = typeof k === 'string' ? handleKey(state, k, {}, ctx) : handleKey(state, '', k, ctx);
    state = result.state;
    if (result.effect) effects.push(result.effect);
  }
  return { state, effects };
}

test('j/k and the arrows move the selection, within bounds', () => {
  expect(press(['j', 'j']).state.selectedKey).toBe('ns/c');
  expect(press(['j', 'j', 'j', 'j']).state.selectedKey).toBe('ns/c');
  expect(press([{ downArrow: true }, { upArrow: true }, 'k']).state.selectedKey).toBe('ns/a');
  expect(press(['G']).state.selectedKey).toBe('ns/c');
  expect(press(['G', 'g']).state.selectedKey).toBe('ns/a');
  expect(press([{ pageDown: true }]).state.selectedKey).toBe('ns/c');
});

test('enter opens the details of the selected API, d its diff, r reconciles it', () => {
  const details = press(['j', { return: true }]);
  expect(details.state.mode).toBe('details');
  expect(details.effects).toEqual([{ type: 'details', key: 'ns/b' }]);
  expect(press(['d']).effects).toEqual([{ type: 'diff', key: 'ns/a' }]);
  const reconcile = press(['j', 'j', 'r']);
  expect(reconcile.effects).toEqual([{ type: 'reconcile', key: 'ns/c' }]);
  expect(reconcile.state.mode).toBe('table');
});

test('/ starts a filter: typing adds, backspace removes, enter keeps it, esc clears it', () => {
  const typed = press(['/', 'c', 'a', 't', { backspace: true }]);
  expect(typed.state).toMatchObject({ mode: 'filter', filter: 'ca' });
  // Letters are text while filtering, not commands.
  expect(press(['/', 'q', 'j']).state).toMatchObject({ mode: 'filter', filter: 'qj' });
  expect(press(['/', 'x', { return: true }]).state).toMatchObject({ mode: 'table', filter: 'x' });
  expect(press(['/', 'x', { escape: true }]).state).toMatchObject({ mode: 'table', filter: '' });
});

test('s cycles the sort', () => {
  expect(press(['s']).state.sort).toBe('namespace');
  expect(press(['s', 's', 's', 's']).state.sort).toBe('name');
});

test('? opens the help, and ?, q or esc close it', () => {
  expect(press(['?']).state.mode).toBe('help');
  for (const close of ['?', 'q', { escape: true }]) expect(press(['?', close]).state.mode).toBe('table');
});

test('in a pane, j/k scroll within its lines and q closes the pane, not the dashboard', () => {
  const scrolled = press([{ return: true }, 'j', 'j', 'j', 'k']);
  expect(scrolled.state.scroll).toBe(2);
  // 10 lines, 2 per page: the last page starts at line 8.
  expect(press([{ return: true }, ...Array(20).fill('j')]).state.scroll).toBe(8);
  const closed = press([{ return: true }, 'q']);
  expect(closed.state.mode).toBe('table');
  expect(closed.effects.map((e) => e.type)).toEqual(['details']);
});

test('q and esc in the table leave', () => {
  expect(press(['q']).effects).toEqual([{ type: 'exit' }]);
  expect(press([{ escape: true }]).effects).toEqual([{ type: 'exit' }]);
});

test('esc in the table with a kept filter clears the filter and stays; the next esc leaves', () => {
  const cleared = press(['/', 'x', { return: true }, { escape: true }]);
  expect(cleared.state).toMatchObject({ mode: 'table', filter: '' });
  expect(cleared.effects).toEqual([]);
  expect(press(['/', 'x', { return: true }, { escape: true }, { escape: true }]).effects).toEqual([{ type: 'exit' }]);
  // q still leaves at once: it is the explicit way out.
  expect(press(['/', 'x', { return: true }, 'q']).effects).toEqual([{ type: 'exit' }]);
});

test('with no rows, enter, d and r do nothing', () => {
  const empty = { ...ctx, keys: [] };
  for (const k of ['d', 'r']) expect(handleKey(initialState, k, {}, empty).effect).toBeUndefined();
  expect(handleKey(initialState, '', { return: true }, empty)).toEqual({ state: initialState });
});

test('keys arriving together in one chunk act one by one, a carriage return as Enter', () => {
  expect(splitPresses('jj\r', {})).toEqual([['j', {}], ['j', {}], ['', { return: true }]]);
  expect(splitPresses('j', {})).toEqual([['j', {}]]);
  expect(splitPresses('', { downArrow: true })).toEqual([['', { downArrow: true }]]);
  expect(splitPresses('c', { ctrl: true })).toEqual([['c', { ctrl: true }]]);
  let state = initialState;
  const effects = [];
  for (const [input, key] of splitPresses('jj\r', {})) {
    const result = handleKey(state, input, key, ctx);
    state = result.state;
    if (result.effect) effects.push(result.effect);
  }
  expect(effects).toEqual([{ type: 'details', key: 'ns/c' }]);
});
