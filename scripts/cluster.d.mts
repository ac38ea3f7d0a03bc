// Types for scripts/cluster.mjs, so TypeScript tests can start private control planes.
export interface ClusterState {
  pid: number;
  server: string;
  control: string;
  kubeconfig: string;
  startSeconds: number;
}
export class ClusterError extends Error {}
export function build(options?: { quiet?: boolean }): Promise<string>;
export function up(dir: string, options?: { port?: number }): Promise<ClusterState>;
export function down(dir: string): Promise<void>;
export function installCrds(kubeconfig: string, crdsDir?: string): string;
