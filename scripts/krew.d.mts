// Types for scripts/krew.mjs, so the install test finds the same krew binary.
export const KREW_VERSION: string;
export const binary: string;
export function build(options?: { quiet?: boolean }): Promise<string>;
export function krewBinary(): string;
