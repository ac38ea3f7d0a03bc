// A real terminal for tests of full-screen commands: a detached tmux session on a private
// server (its socket in a temporary folder, so a user's own tmux is never touched), read
// back with capture-pane.
// The pane stays after the command exits (remain-on-exit), so its exit status and the
// screen it left behind can still be checked.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// No status line: the pane gets every row of the terminal, as a user's terminal would.
const CONFIG = ['set -g remain-on-exit on', 'set -g status off', 'set -g history-limit 0'].join('\n');

export interface TerminalOptions {
  columns: number;
  rows: number;
  /** The command's environment (the server starts with it, so the pane inherits it). */
  env: NodeJS.ProcessEnv;
}

export class Terminal {
  /** `dir` holds the server's socket and configuration. */
  private constructor(private readonly dir: string) {}

  /** Starts `command` (argv, no shell) in a new terminal of the given size. */
  static async start(command: string[], o: TerminalOptions): Promise<Terminal> {
    const terminal = new Terminal(mkdtempSync(join(tmpdir(), 'oda-api-tmux-')));
    const config = join(terminal.dir, 'tmux.conf');
    writeFileSync(config, CONFIG);
    const size = ['-x', String(o.columns), '-y', String(o.rows)];
    try {
      await terminal.tmux(['-f', config, 'new-session', '-d', '-s', 'test', ...size, ...command], o.env);
    } catch (err) {
      await terminal.kill();
      throw err;
    }
    return terminal;
  }

  private async tmux(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
    const { stdout } = await run('tmux', ['-S', join(this.dir, 'tmux.sock'), ...args], { env: env ?? process.env });
    return stdout;
  }

  /** A tmux format of the pane, e.g. `#{alternate_on}`. */
  display(format: string): Promise<string> {
    return this.tmux(['display-message', '-p', '-t', 'test', format]).then((s) => s.trimEnd());
  }

  /** The screen as text, one line per row; `joined` joins wrapped lines back, so a line that wrapped shows longer than the terminal. */
  async capture(o: { joined?: boolean } = {}): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-t', 'test', ...(o.joined ? ['-J'] : [])]);
  }

  /**
   * Polls the screen until it contains `expected` (or the predicate holds); fails with the
   * last screen on timeout, or at once if the command has exited (its screen will not change).
   */
  async waitForText(expected: string | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const holds = typeof expected === 'string' ? (screen: string) => screen.includes(expected) : expected;
    const what = typeof expected === 'string' ? JSON.stringify(expected) : 'the expected screen';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.capture();
      if (holds(screen)) return screen;
      const status = await this.exitStatus();
      if (status !== undefined) throw new Error(`the command exited with status ${status} before showing ${what}; the screen was:\n${screen}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; the screen was:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Types keys: tmux key names (`Escape`, `Enter`, `Up`) or literal characters. */
  async send(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', 'test', ...keys]);
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', 'test', '-x', String(columns), '-y', String(rows)]);
  }

  /**
   * The command's exit status once it has exited (128 + the signal if one killed it), else
   * undefined. tmux marks the pane dead when its terminal closes, which can come before it has
   * collected the exit status. It may then never collect it: closing the pane runs libutempter,
   * which swaps tmux's SIGCHLD handler out for a moment, and a command exiting in that moment
   * stays a zombie tmux was never told about (tmux issue 311). A SIGCHLD from us has tmux reap it.
   */
  async exitStatus(): Promise<number | undefined> {
    const [dead, status, signal, server] = (await this.display('#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pid}')).split(':');
    if (dead !== '1') return undefined;
    if (status) return Number(status);
    if (signal) return 128 + Number(signal);
    process.kill(Number(server), 'SIGCHLD');
    return undefined;
  }

  async waitForExit(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`the command did not exit within ${timeoutMs}ms; the screen was:\n${await this.capture()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops the server and the command with it, and removes the socket. Safe to call twice. */
  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
