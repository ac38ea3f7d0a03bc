// Types for scripts/helm.mjs, so TypeScript tests find the same helm binary.
export const HELM_VERSION: string;
export const binary: string;
export function build(options?: { quiet?: boolean }): Promise<string>;
export function helmBinary(): string;
