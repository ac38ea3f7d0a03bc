// The chart under test, the helm CLI the project builds (`npm run helm:build`), and running
// a rendered Deployment's container the way the kubelet would (no kubelet here).
import type { KubernetesObject, V1ConfigMap, V1Container, V1Deployment } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeClient } from '../../src/kube/client.js';
import { helmBinary } from '../../scripts/helm.mjs';
import { kubeconfigPath, writeTokenKubeconfig } from './cluster.js';
import { captured, finished, type Captured, type Finished } from './process.js';
import { runInImage, unpackImage, type UnpackedImage } from './image.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const chartDir = join(root, 'charts', 'kubectl-oda-api');

export type HelmResult = Finished;

// Helm's own config, cache and data (and client-go's discovery cache under HOME) go to a folder
// of this test process, never the user's or the working directory.
const helmHome = mkdtempSync(join(tmpdir(), 'oda-api-helm-'));

/** Runs the built helm against the run's control plane; fails saying how to build helm when it is missing. */
export function helm(args: string[]): Promise<HelmResult> {
  const child = spawn(helmBinary(), args, {
    env: {
      PATH: process.env.PATH,
      HOME: helmHome,
      KUBECONFIG: kubeconfigPath(),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child);
}

export function parseObjects(yaml: string): KubernetesObject[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => !!o);
}

/** A running container; fromImage when it runs inside the built image. */
export interface Container extends Captured {
  fromImage: boolean;
}

/**
 * Starts the Deployment's first container as the kubelet would for a pod named podName: the
 * ServiceAccount's token (TokenRequest), envFrom ConfigMaps read from the cluster, downward-API
 * fields, $(VAR) expansion in command and args. With ODA_API_TEST_IMAGE (an image archive, as
 * CI builds it) the command runs inside the image's root filesystem as the pod's user, on the
 * image's PATH; without it, the command is found on bin/ (the plugin as built).
 */
export async function startContainer(client: KubeClient, deployment: V1Deployment, podName: string): Promise<Container> {
  const namespace = deployment.metadata!.namespace!;
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0];
  const env = await containerEnv(client, namespace, container, podName);
  const expand = (s: string) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map(expand);
  const token = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${pod.serviceAccountName}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const kubeconfig = writeTokenKubeconfig(token.status.token);
  const image = unpackedImage();
  if (image) {
    const kubeconfigInImage = `/tmp/kubeconfig-${podName}`;
    copyFileSync(kubeconfig, join(image.rootfs, kubeconfigInImage));
    chmodSync(join(image.rootfs, kubeconfigInImage), 0o644); // the pod's user reads it
    const user = `${pod.securityContext?.runAsUser ?? 65532}:${pod.securityContext?.runAsGroup ?? 65532}`;
    return { ...runInImage(image, argv, { HOME: '/tmp', KUBECONFIG: kubeconfigInImage, ...env }, user), fromImage: true };
  }
  const child = spawn(argv[0], argv.slice(1), {
    env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, HOME: mkdtempSync(join(tmpdir(), 'oda-api-pod-')), KUBECONFIG: kubeconfig, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = captured(child);
  return { child, output, exited, fromImage: false };
}

let image: UnpackedImage | undefined;

/** The image CI built, unpacked once per test file; undefined without ODA_API_TEST_IMAGE. */
function unpackedImage(): UnpackedImage | undefined {
  const archive = process.env.ODA_API_TEST_IMAGE;
  if (!archive) return undefined;
  return (image ??= unpackImage(archive));
}

/** Removes the unpacked image (call in afterAll). */
export function removeUnpackedImage(): void {
  image?.remove();
  image = undefined;
}

async function containerEnv(client: KubeClient, namespace: string, container: V1Container, podName: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) throw new Error('only configMapRef envFrom is supported by this test helper');
    const cm = await client.get<V1ConfigMap>(`/api/v1/namespaces/${namespace}/configmaps/${source.configMapRef.name}`);
    Object.assign(env, cm.data);
  }
  const fields: Record<string, string> = { 'metadata.name': podName, 'metadata.namespace': namespace };
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef) env[variable.name] = fields[variable.valueFrom.fieldRef.fieldPath];
    else throw new Error(`env ${variable.name}: only values and fieldRefs are supported by this test helper`);
  }
  return env;
}
