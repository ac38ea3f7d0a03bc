// Starts one real control plane for the whole integration run (start-up costs seconds,
// so never per test) and installs the CRDs. Workers find it through the environment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { up, installCrds } from '../../scripts/cluster.mjs';

export default async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-test-'));
  const state = await up(dir);
  const crds = installCrds(state.kubeconfig);
  process.env.ODA_API_TEST_DIR = dir;
  process.env.ODA_API_TEST_KUBECONFIG = state.kubeconfig;
  process.env.ODA_API_TEST_CONTROL = state.control;
  console.log(`\ncontrol plane ready in ${state.startSeconds.toFixed(1)}s at ${state.server}; CRDs from ${crds}`);
}
