import { down } from '../../scripts/cluster.mjs';

export default async function globalTeardown() {
  if (process.env.ODA_API_TEST_KEEP) return;
  if (process.env.ODA_API_TEST_DIR) await down(process.env.ODA_API_TEST_DIR);
}
