// The krew plugin manifest (krew.googlecontainertools.github.com/v1alpha2, kind Plugin) for
// the release's archives. Krew's rules: the file is named after the plugin (oda-api.yaml),
// the version has its v, shortDescription is a few words, the description says what it
// does without repeating the name, caveats say what the cluster needs.
import { stringify } from 'yaml';

export const PLUGIN = 'oda-api';

const SHORT = 'Route TM Forum ODA Canvas APIs through Istio';
const DESCRIPTION = `Turns the ExposedAPI resources of a TM Forum ODA Canvas (oda.tmforum.org) into
Istio VirtualServices on the Canvas gateway and Prometheus ServiceMonitors, and
reports each API's URL and readiness back to it and its Component.

Reconcile once or preview the change as a diff, watch as an operator, see every
API's URL and readiness live in a terminal dashboard, ask why one is not ready,
or print the manifests that run the operator in the cluster.
`;
const CAVEATS = `This plugin needs a cluster with the ODA Canvas CRDs (ExposedAPI and
Component, oda.tmforum.org) and Istio's (VirtualService, Gateway); for metrics
APIs, the Prometheus operator's ServiceMonitor CRD, unless pod annotations are used.
Start with:
  kubectl oda-api status -A
`;

const [OS, ARCH] = [0, 1];

/** archives: [{ platform: 'linux-amd64', uri, sha256, bin }] */
export function krewManifest({ version, homepage, archives }) {
  const doc = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: PLUGIN },
    spec: {
      version,
      homepage,
      shortDescription: SHORT,
      description: DESCRIPTION,
      caveats: CAVEATS,
      platforms: archives.map((a) => {
        const parts = a.platform.split('-');
        return {
          selector: { matchLabels: { os: parts[OS], arch: parts[ARCH] } },
          uri: a.uri,
          sha256: a.sha256,
          files: [
            { from: a.bin, to: '.' },
            { from: 'LICENSE', to: '.' },
            { from: 'THIRD-PARTY-NOTICES.txt', to: '.' },
          ],
          bin: a.bin,
        };
      }),
    },
  };
  return stringify(doc, { lineWidth: 0 });
}
